package io.syncline.jobs.cli;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads an ISO-8601 instant option: {@code 2026-11-26T07:30:00Z} or with an offset. */
final class InstantConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeException notInstant) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeException e) {
                throw new TypeConversionException(
                        "'"
                                + value
                                + "' is not an ISO-8601 instant; write e.g. 2026-11-26T07:30:00Z"
                                + " or 2026-11-26T08:30:00+01:00");
            }
        }
    }
}
