package io.syncline.operators.alert.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.operators.Poll;
import io.syncline.operators.alert.AlertFunction;
import io.syncline.operators.alert.AlertKeys;
import io.syncline.operators.alert.AlertThresholds;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.schema.Alert;
import io.syncline.schema.AlertSeverity;
import io.syncline.schema.AlertStatus;
import io.syncline.schema.QualityMetrics;
import io.syncline.schema.SourceLag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The alert stage and the notifier sink as a bounded job on a MiniCluster at parallelism 2, with
 * generic types disabled: every alert reaches the alerts stream, and the channels of its severity
 * get it before the job finishes.
 */
class NotifierSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension final RecordingEndpoint endpoint = new RecordingEndpoint();

    private static final Instant WINDOW_START = Instant.parse("2024-05-01T10:00:00Z");

    @Test
    void alertsOfAJobReachTheChannelsOfTheirSeverity() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.getConfig().disableGenericTypes();
        NotifierSettings settings =
                NotifierSettings.defaults()
                        .withSlack(new SlackSettings(endpoint.url("/slack")))
                        .withPagerDuty(new PagerDutySettings(endpoint.url("/pagerduty"), "key"))
                        .withRetry(new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20)));

        DataStream<QualityMetrics> windows =
                env.fromData(
                        new AvroTypeInfo<>(QualityMetrics.class),
                        window("t2", "customer").setAccuracy(0.9).build(),
                        window("t3", "contract")
                                .setErrorCodes(Map.of("DECRYPT_FAILED", 2L))
                                .build());
        DataStream<SourceLag> lags =
                env.fromData(
                        new AvroTypeInfo<>(SourceLag.class),
                        SourceLag.newBuilder()
                                .setSourceId("crm")
                                .setLagMillis(Duration.ofMinutes(6).toMillis())
                                .setTime(WINDOW_START)
                                .build());
        DataStream<Alert> alerts =
                windows.keyBy(AlertKeys.metrics())
                        .connect(lags.keyBy(AlertKeys.sourceLags()))
                        .process(new AlertFunction(AlertThresholds.defaults()))
                        .returns(new AvroTypeInfo<>(Alert.class))
                        .uid("alerts")
                        .name("Alerts");
        alerts.sinkTo(new NotifierSink(settings)).uid("alert-notifiers").name("Alert notifiers");

        List<Alert> raised = alerts.executeAndCollect(10);

        assertThat(raised)
                .extracting(Alert::getCondition, Alert::getSeverity, Alert::getStatus)
                .containsExactlyInAnyOrder(
                        tuple(
                                "quality/accuracy/t2/customer",
                                AlertSeverity.WARNING,
                                AlertStatus.FIRING),
                        tuple(
                                "critical-error/DECRYPT_FAILED/t3/contract",
                                AlertSeverity.CRITICAL,
                                AlertStatus.FIRING),
                        tuple("source-lag/crm", AlertSeverity.WARNING, AlertStatus.FIRING),
                        tuple("source-stalled/crm", AlertSeverity.CRITICAL, AlertStatus.FIRING));
        // The writers send what they hold before the job ends; the collected alerts may come first.
        Poll.until("six notifications arrived", () -> endpoint.requests().size() == 6);
        assertThat(endpoint.requestsTo("/slack"))
                .extracting(request -> Json.parse(request.body()).get("text").asText())
                .allMatch(text -> text.startsWith("[Syncline "))
                .hasSize(4);
        assertThat(endpoint.requestsTo("/pagerduty"))
                .extracting(request -> Json.parse(request.body()).at("/payload/class").asText())
                .containsExactlyInAnyOrder("critical-error", "source-stalled");
    }

    private static QualityMetrics.Builder window(String tenant, String entityType) {
        return QualityMetrics.newBuilder()
                .setTenant(tenant)
                .setEntityType(entityType)
                .setWindowKind("tumbling")
                .setWindowStart(WINDOW_START)
                .setWindowEnd(WINDOW_START.plusSeconds(60))
                .setSyncClass("near-real-time")
                .setLatencyTargetMillis(1_000)
                .setValidated(100)
                .setDelivered(100)
                .setAccuracy(1.0)
                .setErrorCodes(Map.of());
    }
}
