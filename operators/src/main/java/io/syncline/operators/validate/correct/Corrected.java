package io.syncline.operators.validate.correct;

import io.syncline.schema.FieldValue;
import io.syncline.schema.Remediation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A row image after the transformative corrections, with one remediation per field and kind of
 * change, in field order.
 *
 * @param image the corrected image, in the order of the original with defaulted fields appended
 * @param remediations what was changed; empty if the image needed no correction
 */
public record Corrected(Map<String, FieldValue> image, List<Remediation> remediations) {

    public Corrected {
        image = Collections.unmodifiableMap(new LinkedHashMap<>(image));
        remediations = List.copyOf(remediations);
    }
}
