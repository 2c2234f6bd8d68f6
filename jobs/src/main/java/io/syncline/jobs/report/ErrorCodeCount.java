package io.syncline.jobs.report;

import java.util.List;
import java.util.Objects;

/**
 * How many errors of one code the errors table holds for the day, and for which tenants.
 *
 * @param tenants the tenants the errors were of, in name order; errors of no tenant add none
 */
public record ErrorCodeCount(String code, long count, List<String> tenants) {

    public ErrorCodeCount {
        Objects.requireNonNull(code, "code");
        tenants = List.copyOf(tenants);
    }
}
