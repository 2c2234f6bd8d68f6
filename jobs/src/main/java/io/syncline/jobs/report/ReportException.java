package io.syncline.jobs.report;

/**
 * The daily quality report cannot be made: the target database cannot be reached, a table it reads
 * is missing, or reading failed. The message names the problem and what to do about it.
 */
public final class ReportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ReportException(String message, Throwable cause) {
        super(message, cause);
    }

    ReportException(String message) {
        super(message);
    }
}
