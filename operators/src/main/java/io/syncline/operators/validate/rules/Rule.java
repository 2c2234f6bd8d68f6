package io.syncline.operators.validate.rules;

import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldValue;
import java.util.Map;
import java.util.Optional;

/** A business rule on one field of an entity's row image. Plain Java, stateless. */
public interface Rule {

    /** The field the rule is about. */
    String field();

    /** The violation of {@code image} (a change's after image), if it breaks the rule. */
    Optional<Violation> check(Map<String, FieldValue> image);
}
