package io.syncline.jobs.config;

import static io.syncline.jobs.config.ConfigFiles.problem;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.operators.http.CursorSettings;
import io.syncline.operators.http.HttpApiSettings;
import io.syncline.operators.http.ItemFields;
import io.syncline.operators.http.OAuthSettings;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.sink.TargetColumn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code type: http} sources: what they bind to, their defaults and the problems they report. */
class HttpSourceConfigTest {

    @TempDir Path directory;

    @Test
    void anHttpSourceBindsWithItsResourcesAsTables() {
        SynclineConfig config =
                load(
                        """
                          - id: billing
                            type: http
                            priority: 2
                            baseUrl: https://api.example.com/v2
                            auth:
                              tokenUrl: https://auth.example.com/oauth/token
                              clientId: syncline
                              clientSecret: s3cret
                              scope: changes.read
                              clientAuth: form
                            pollInterval: 5s
                            pageSize: 50
                            cursor: {next: link}
                            fields: {version: version, op: op}
                            retry: {initialBackoff: 500ms, maxBackoff: 20s, maxAttempts: 4}
                            tables:
                              - table: invoices
                                entityType: invoice
                                primaryKey: [id]
                                tenantColumn: tenant
                                columns: {id: bigint, tenant: text, total: "numeric(12,2)"}
                        """);

        HttpSourceConfig source = (HttpSourceConfig) config.changeSources().get(0);
        HttpApiSettings api = source.api();
        assertThat(source.type()).isEqualTo("http");
        assertThat(source.priority()).isEqualTo(2);
        assertThat(api.baseUrl()).isEqualTo("https://api.example.com/v2");
        assertThat(api.auth())
                .isEqualTo(
                        new OAuthSettings(
                                "https://auth.example.com/oauth/token",
                                "syncline",
                                "s3cret",
                                "changes.read",
                                false,
                                Duration.ofSeconds(30)));
        assertThat(api.pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(api.pageSize()).isEqualTo(50);
        assertThat(api.pageSizeParam()).isEqualTo("limit");
        assertThat(api.itemsPointer()).isEqualTo("/data");
        assertThat(api.cursor())
                .isEqualTo(new CursorSettings(CursorSettings.Mode.TOKEN, "cursor", null, null));
        assertThat(api.fields())
                .isEqualTo(new ItemFields("version", "updated_at", "deleted", "op"));
        assertThat(api.retry())
                .isEqualTo(
                        new RetryPolicy(
                                4, Duration.ofMillis(500), Duration.ofSeconds(20), 2.0, 0.2));
        assertThat(api.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(source.tables())
                .containsExactly(
                        new TableMapping(
                                "invoices", "invoice", List.of("id"), "tenant", null, "invoices"));
        assertThat(source.declaredColumns())
                .containsEntry(
                        "invoice",
                        List.of(
                                new TargetColumn("id", "bigint"),
                                new TargetColumn("tenant", "text"),
                                new TargetColumn("total", "numeric(12,2)")));
    }

    @Test
    void aTimestampCursorDefaultsToSinceAndNoAuthIsAllowed() {
        SynclineConfig config =
                load(
                        """
                          - id: billing
                            type: http
                            baseUrl: http://localhost:8080
                            cursor: {mode: timestamp, initial: "2026-01-01T00:00:00Z"}
                            tables:
                              - table: invoices
                                entityType: invoice
                                tenant: acme
                        """);

        HttpSourceConfig source = (HttpSourceConfig) config.changeSources().get(0);
        HttpApiSettings api = source.api();
        assertThat(api.auth()).isNull();
        assertThat(api.cursor())
                .isEqualTo(
                        new CursorSettings(
                                CursorSettings.Mode.TIMESTAMP,
                                "since",
                                null,
                                "2026-01-01T00:00:00Z"));
        assertThat(api.fields()).isEqualTo(ItemFields.defaults());
    }

    @Test
    void problemsNameTheSettingAndTheFix() {
        ConfigException e =
                failure(
                        """
                          - id: billing
                            type: http
                            baseUrl: api.example.com
                            auth: {tokenUrl: "https://auth.example.com/token", clientId: x}
                            items: data
                            cursor: {mode: timestamp, next: /next}
                            fields: {version: none, updatedAt: none}
                            retry: {initialBackoff: 10s, maxBackoff: 1s}
                            tables:
                              - table: public.invoices
                                entityType: invoice
                                tenant: acme
                        """);

        assertThat(problem(e, "sources[0].baseUrl"))
                .isEqualTo(
                        "'api.example.com' is not an http(s) URL without a query; e.g."
                                + " https://api.example.com/v2");
        assertThat(problem(e, "sources[0].auth.clientSecret")).contains("is required");
        assertThat(problem(e, "sources[0].items")).contains("is not a JSON pointer");
        assertThat(problem(e, "sources[0].cursor.next")).contains("remove next or use mode: token");
        assertThat(problem(e, "sources[0].fields")).contains("set version");
        assertThat(problem(e, "sources[0].retry.maxBackoff"))
                .isEqualTo("must not be shorter than initialBackoff (10s), was 1s");
        assertThat(problem(e, "sources[0].tables[0].table"))
                .contains("names a resource below baseUrl");
    }

    private SynclineConfig load(String sources) {
        return ConfigFiles.load(directory, "sources:\n" + sources + ConfigFiles.SINKS);
    }

    private ConfigException failure(String sources) {
        return ConfigFiles.failure(directory, "sources:\n" + sources + ConfigFiles.SINKS);
    }
}
