package io.syncline.operators.faults;

/** The failure a {@link FaultInjector} throws: a fault-tolerance test made the job fail. */
public final class InjectedFault extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InjectedFault(FaultPlan plan, int subtask) {
        super("injected fault (fault-tolerance test): " + plan + " in subtask " + subtask);
    }
}
