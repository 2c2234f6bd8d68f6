package io.syncline.operators.retry;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The circuit breakers of the JVM, one per dependency, so that every sink writer of a TaskManager
 * that uses a dependency shares its breaker: when one writer has found the dependency down, the
 * others fail fast instead of trying it too, and a task restarted by Flink finds the breaker as its
 * predecessor left it. The breakers live as long as the class: on a Flink cluster, as long as the
 * TaskManager holds the job's user-code class loader, which survives the job's restarts.
 */
public final class CircuitBreakers {

    private static final ConcurrentMap<String, CircuitBreaker> BREAKERS = new ConcurrentHashMap<>();

    private CircuitBreakers() {}

    /**
     * The breaker of {@code dependency}, created with {@code settings} by its first caller; later
     * callers share it as it is.
     */
    public static CircuitBreaker of(String dependency, CircuitBreakerSettings settings) {
        return BREAKERS.computeIfAbsent(
                dependency, name -> new CircuitBreaker(name, settings, Clock.systemUTC()));
    }
}
