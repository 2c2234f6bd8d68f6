package io.syncline.operators.validate.correct;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.validate.ExpectedType;
import io.syncline.operators.validate.FieldSpec;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import io.syncline.schema.Remediation;
import io.syncline.schema.RemediationAction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractListAssert;
import org.assertj.core.api.ObjectAssert;
import org.assertj.core.groups.Tuple;

/** Builders of row images, field specs and expected remediations for the corrector's tests. */
final class Images {

    private Images() {}

    static FieldValue value(FieldKind kind, Object value) {
        return new FieldValue(kind, value);
    }

    static FieldValue text(String text) {
        return new FieldValue(FieldKind.STRING, text);
    }

    static FieldSpec spec(String name, ExpectedType type, String... symbols) {
        return new FieldSpec(name, type, false, true, List.of(symbols));
    }

    static Map<String, FieldSpec> fields(FieldSpec... specs) {
        Map<String, FieldSpec> fields = new LinkedHashMap<>();
        for (FieldSpec spec : specs) {
            fields.put(spec.name(), spec);
        }
        return fields;
    }

    /** An image of alternating field names and values, in that order. */
    static Map<String, FieldValue> image(Object... namesAndValues) {
        Map<String, FieldValue> image = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            image.put((String) namesAndValues[i], (FieldValue) namesAndValues[i + 1]);
        }
        return image;
    }

    /** A remediation as the tests compare it: field, action, from and to. */
    static Tuple change(String field, RemediationAction action, String from, String to) {
        return new Tuple(field, action, from, to);
    }

    /** Asserts on the remediations of {@code corrected} as {@link #change} tuples. */
    static AbstractListAssert<?, List<? extends Tuple>, Tuple, ObjectAssert<Tuple>> assertChanges(
            Corrected corrected) {
        return assertThat(corrected.remediations())
                .extracting(
                        Remediation::getField,
                        Remediation::getAction,
                        Remediation::getFrom,
                        Remediation::getTo);
    }
}
