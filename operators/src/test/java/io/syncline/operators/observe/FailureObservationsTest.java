package io.syncline.operators.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.operators.validate.ValidationErrors;
import io.syncline.schema.ErrorClass;
import io.syncline.schema.ErrorRecord;
import io.syncline.schema.Observation;
import io.syncline.schema.ObservationOutcome;
import io.syncline.schema.ObservationStage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.junit.jupiter.api.Test;

class FailureObservationsTest {

    private static final Instant RAISED = Instant.parse("2024-05-01T10:00:03Z");

    private static List<Observation> observe(ErrorRecord... errors) {
        List<Observation> observations = new ArrayList<>();
        FailureObservations function = new FailureObservations();
        for (ErrorRecord error : errors) {
            function.flatMap(error, new ListCollector<>(observations));
        }
        return observations;
    }

    @Test
    void errorsOfEveryStageButValidationAreObservedAsFailures() {
        ErrorRecord decode = error("decode", "TENANT_MISSING", null);
        ErrorRecord resolve = error("resolve", "CONFLICT_BACKLOG_FULL", "acme");
        ErrorRecord deliver = error("deliver", "TARGET_REJECTED", "globex");

        List<Observation> observations = observe(decode, resolve, deliver);

        assertThat(observations)
                .containsExactly(
                        Observations.failed(decode),
                        Observations.failed(resolve),
                        Observations.failed(deliver));
        assertThat(observations)
                .extracting(
                        Observation::getTenant,
                        Observation::getEntityType,
                        Observation::getStage,
                        Observation::getOutcome,
                        Observation::getErrorCode)
                .containsExactly(
                        tuple(
                                "-",
                                "-",
                                ObservationStage.ERROR,
                                ObservationOutcome.FAILED,
                                "TENANT_MISSING"),
                        tuple(
                                "acme",
                                "customer",
                                ObservationStage.ERROR,
                                ObservationOutcome.FAILED,
                                "CONFLICT_BACKLOG_FULL"),
                        tuple(
                                "globex",
                                "customer",
                                ObservationStage.ERROR,
                                ObservationOutcome.FAILED,
                                "TARGET_REJECTED"));
    }

    @Test
    void validationErrorsAreNotObservedAgain() {
        // Validation observed its rejection itself, with the fields and rules it checked.
        assertThat(observe(error(ValidationErrors.STAGE, "RULE_RANGE", "acme"))).isEmpty();
    }

    private static ErrorRecord error(String stage, String code, String tenant) {
        return ErrorRecord.newBuilder()
                .setErrorId(stage + "-" + code)
                .setStage(stage)
                .setErrorClass(ErrorClass.PERMANENT)
                .setCode(code)
                .setMessage(code)
                .setPayload("{}")
                .setTenant(tenant)
                .setEntityType(tenant == null ? null : "customer")
                .setSourceId("crm")
                .setTime(RAISED)
                .build();
    }
}
