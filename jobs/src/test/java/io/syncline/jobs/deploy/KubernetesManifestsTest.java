package io.syncline.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import io.syncline.jobs.cli.SynclineCli;
import io.syncline.jobs.config.ConfigException;
import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.SynclineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.util.TimeUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the manifests in {@code deploy/k8s/}: the FlinkDeployment against the Flink Kubernetes
 * Operator's CRD schema, strictly (an unknown field is an error, as with {@code kubectl apply
 * --validate=strict}), and the ConfigMap's Syncline configuration with the loader the job uses.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("..", "deploy", "k8s");
    private static final Path DEPLOYMENT = K8S.resolve("flink-deployment.yaml");
    private static final Path CONFIG_MAP = K8S.resolve("syncline-config.yaml");
    private static final Path BACKFILL = K8S.resolve("backfill-cronjob.yaml");
    private static final Path CLEANUP = K8S.resolve("cleanup-cronjob.yaml");

    /** In flink-kubernetes-operator-api; the apiextensions.k8s.io/v1 form of the CRD. */
    private static final String CRD_RESOURCE =
            "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";

    private static final ObjectMapper YAML = new YAMLMapper();

    private static JsonSchema flinkDeploymentSchema;
    private static JsonNode deployment;
    private static JsonNode configMap;
    private static JsonNode backfill;
    private static JsonNode cleanup;

    @BeforeAll
    static void load() throws IOException {
        flinkDeploymentSchema = crdSchema("v1beta1");
        deployment = YAML.readTree(DEPLOYMENT.toFile());
        configMap = YAML.readTree(CONFIG_MAP.toFile());
        backfill = YAML.readTree(BACKFILL.toFile());
        cleanup = YAML.readTree(CLEANUP.toFile());
    }

    @Test
    void theBackfillCronJobRunsTheCliOnTheJobsImageConfigAndSecrets(@TempDir Path dir)
            throws IOException {
        SynclineConfig loaded = assertRunsTheCli(backfill, "backfill", dir);
        assertThat(loaded.backfill().parallelism()).isPositive();
    }

    @Test
    void theCleanupCronJobRunsTheCliOnTheJobsImageConfigAndSecrets(@TempDir Path dir)
            throws IOException {
        SynclineConfig loaded = assertRunsTheCli(cleanup, "cleanup", dir);
        assertThat(loaded.security().retention().audit()).isEqualTo(Duration.ofDays(7 * 365));
    }

    /**
     * Checks that {@code cronJob} runs {@code syncline <subcommand> --config ...} on the
     * deployment's image, never twice at once, with the ConfigMap mounted and the Secret's
     * variables; returns the configuration as the pod loads it.
     */
    private static SynclineConfig assertRunsTheCli(JsonNode cronJob, String subcommand, Path dir)
            throws IOException {
        assertThat(cronJob.path("apiVersion").asText()).isEqualTo("batch/v1");
        assertThat(cronJob.path("kind").asText()).isEqualTo("CronJob");
        JsonNode spec = cronJob.path("spec");
        assertThat(spec.path("schedule").asText().split(" ")).hasSize(5);
        assertThat(spec.path("concurrencyPolicy").asText()).isEqualTo("Forbid");
        JsonNode pod = spec.path("jobTemplate").path("spec").path("template").path("spec");
        assertThat(pod.path("restartPolicy").asText()).isEqualTo("Never");
        JsonNode container = pod.path("containers").get(0);
        assertThat(container.path("image").asText())
                .isEqualTo(deployment.path("spec").path("image").asText());
        List<String> command = new ArrayList<>();
        container.path("command").forEach(c -> command.add(c.asText()));
        assertThat(command)
                .last()
                .isEqualTo(deployment.path("spec").path("job").path("entryClass").asText());
        assertThat(String.join(" ", command))
                .contains(deployment.path("spec").path("job").path("jarURI").asText().substring(8));
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).startsWith(subcommand, "--config");
        assertThat(SynclineCli.commandLine().parseArgs(args.toArray(String[]::new)).subcommand())
                .as("the arguments parse as a " + subcommand + " command")
                .isNotNull()
                .extracting(result -> result.commandSpec().name())
                .isEqualTo(subcommand);

        JsonNode mount = container.path("volumeMounts").get(0);
        assertThat(Path.of(args.get(2)).getParent())
                .isEqualTo(Path.of(mount.path("mountPath").asText()));
        assertThat(pod.path("volumes").get(0).path("configMap").path("name").asText())
                .isEqualTo(configMap.path("metadata").path("name").asText());

        Map<String, String> secrets = new HashMap<>();
        for (JsonNode variable : container.path("env")) {
            if (variable.path("valueFrom").has("secretKeyRef")) {
                secrets.put(variable.path("name").asText(), "secret");
            }
        }
        assertThat(secrets).containsOnlyKeys(secretEnvironment().keySet());
        return ConfigLoader.load(writeConfigMap(dir), secrets::get);
    }

    @Test
    void flinkDeploymentMatchesTheOperatorsCrd() {
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(deployment.path("kind").asText()).isEqualTo("FlinkDeployment");
        assertThat(violations(deployment)).isEmpty();
    }

    @Test
    void misspeltFieldFailsValidation() {
        ObjectNode misspelt = deployment.deepCopy();
        ObjectNode job = (ObjectNode) misspelt.path("spec").path("job");
        job.set("upgradMode", job.remove("upgradeMode"));

        assertThat(violations(misspelt))
                .singleElement()
                .asString()
                .contains("upgradMode")
                .startsWith("/spec/job: ");
    }

    @Test
    void misspeltFieldInThePodTemplateFailsValidation() {
        ObjectNode misspelt = deployment.deepCopy();
        ObjectNode mount =
                (ObjectNode)
                        misspelt.path("spec")
                                .path("podTemplate")
                                .path("spec")
                                .path("containers")
                                .get(0)
                                .path("volumeMounts")
                                .get(0);
        mount.set("mountpath", mount.remove("mountPath"));

        // The CRD drops "required" inside podTemplate (a template may be partial), so the
        // unknown key is the only complaint.
        assertThat(violations(misspelt))
                .containsExactly(
                        "/spec/podTemplate/spec/containers/0/volumeMounts/0: property 'mountpath'"
                                + " is not defined in the schema and the schema does not allow"
                                + " additional properties");
    }

    @Test
    void nonStringFlinkConfigurationValueFailsValidation() {
        ObjectNode unquoted = deployment.deepCopy();
        ((ObjectNode) unquoted.path("spec").path("flinkConfiguration"))
                .put("taskmanager.numberOfTaskSlots", 2);

        assertThat(violations(unquoted))
                .singleElement()
                .asString()
                .contains("taskmanager.numberOfTaskSlots")
                .contains("integer");
    }

    @Test
    void unknownUpgradeModeFailsValidation() {
        ObjectNode wrong = deployment.deepCopy();
        ((ObjectNode) wrong.path("spec").path("job")).put("upgradeMode", "savepoints");

        assertThat(violations(wrong))
                .singleElement()
                .asString()
                .startsWith("/spec/job/upgradeMode: ");
    }

    @Test
    void runsTheJobInApplicationModeWithSavepointUpgrades() {
        JsonNode spec = deployment.path("spec");
        JsonNode job = spec.path("job");
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v1_20");
        assertThat(job.path("jarURI").asText())
                .isEqualTo("local:///opt/flink/usrlib/syncline-jobs.jar");
        assertThat(job.path("entryClass").asText()).isEqualTo("io.syncline.jobs.cli.SynclineCli");
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");

        Map<String, String> flink = flinkConfiguration();
        assertThat(flink)
                .containsEntry("execution.attached", "true")
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsEntry("high-availability.type", "kubernetes")
                .containsEntry("restart-strategy.type", "exponential-delay")
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsKeys(
                        "execution.checkpointing.interval",
                        "execution.checkpointing.dir",
                        "execution.checkpointing.savepoint-dir",
                        "high-availability.storageDir");

        JsonNode annotations = spec.path("podTemplate").path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/port").asText())
                .isEqualTo(flink.get("metrics.reporter.prom.port"));
    }

    @Test
    void configFileArgumentIsInTheMountedConfigMap() {
        List<String> args = new ArrayList<>();
        deployment.path("spec").path("job").path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).hasSize(3).startsWith("run", "--config");
        Path configFile = Path.of(args.get(2));

        JsonNode podSpec = deployment.path("spec").path("podTemplate").path("spec");
        JsonNode mount = mainContainer().path("volumeMounts").get(0);
        assertThat(configFile.getParent()).isEqualTo(Path.of(mount.path("mountPath").asText()));
        JsonNode volume = podSpec.path("volumes").get(0);
        assertThat(volume.path("name").asText()).isEqualTo(mount.path("name").asText());
        assertThat(volume.path("configMap").path("name").asText())
                .isEqualTo(configMap.path("metadata").path("name").asText());
        assertThat(configMap.path("data").has(configFile.getFileName().toString())).isTrue();
    }

    @Test
    void configMapConfigLoadsWithTheSecretsThePodProvides(@TempDir Path dir) throws IOException {
        Path config = writeConfigMap(dir);
        SynclineConfig loaded = ConfigLoader.load(config, secretEnvironment()::get);

        assertThat(loaded.sources())
                .singleElement()
                .satisfies(
                        source -> {
                            assertThat(source.password()).isEqualTo("secret-CRM_DB_PASSWORD");
                            assertThat(source.hostname()).isEqualTo("crm-postgres.databases.svc");
                        });
        assertThat(loaded.sinks().target().password()).isEqualTo("secret-TARGET_DB_PASSWORD");
        assertThat(loaded.validation().rules().getVersion()).isEqualTo(1);
        assertThat(loaded.validation().rules().getFiles()).containsKey("customer.schema.json");
        assertThat(loaded.observability().prometheusPort()).isZero();
    }

    @Test
    void configMapConfigNeedsThePasswordsFromTheSecret(@TempDir Path dir) throws IOException {
        Path config = writeConfigMap(dir);

        assertThatThrownBy(() -> ConfigLoader.load(config, name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CRM_DB_PASSWORD")
                .hasMessageContaining("TARGET_DB_PASSWORD");
    }

    /**
     * The job applies its own checkpoint and restart settings; they must not contradict the pod's.
     */
    @Test
    void jobSettingsAgreeWithTheFlinkConfiguration(@TempDir Path dir) throws IOException {
        Path config = writeConfigMap(dir);
        SynclineConfig loaded = ConfigLoader.load(config, secretEnvironment()::get);
        Map<String, String> flink = flinkConfiguration();

        assertThat(loaded.job().parallelism())
                .isEqualTo(deployment.path("spec").path("job").path("parallelism").asInt());
        assertThat(loaded.checkpoints().directory())
                .isEqualTo(flink.get("execution.checkpointing.dir"));
        assertThat(loaded.checkpoints().interval())
                .isEqualTo(duration(flink, "execution.checkpointing.interval"));
        assertThat(loaded.checkpoints().timeout())
                .isEqualTo(duration(flink, "execution.checkpointing.timeout"));
        assertThat(loaded.checkpoints().minPause())
                .isEqualTo(duration(flink, "execution.checkpointing.min-pause"));
        String restart = "restart-strategy.exponential-delay.";
        assertThat(loaded.restart().initialBackoff())
                .isEqualTo(duration(flink, restart + "initial-backoff"));
        assertThat(loaded.restart().maxBackoff())
                .isEqualTo(duration(flink, restart + "max-backoff"));
        assertThat(loaded.restart().resetBackoffThreshold())
                .isEqualTo(duration(flink, restart + "reset-backoff-threshold"));
        assertThat(loaded.restart().backoffMultiplier())
                .isEqualTo(Double.parseDouble(flink.get(restart + "backoff-multiplier")));
        assertThat(loaded.restart().jitterFactor())
                .isEqualTo(Double.parseDouble(flink.get(restart + "jitter-factor")));
    }

    private static List<String> violations(JsonNode resource) {
        Set<ValidationMessage> messages = flinkDeploymentSchema.validate(resource);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /**
     * The {@code openAPIV3Schema} of one served version of the FlinkDeployment CRD, closed: every
     * object that lists its properties and does not say otherwise rejects unknown ones, as the API
     * server does under strict field validation (it would otherwise prune them silently).
     */
    private static JsonSchema crdSchema(String version) throws IOException {
        JsonNode crd;
        try (InputStream in =
                KubernetesManifestsTest.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
            assertThat(in).as(CRD_RESOURCE + " on the test classpath").isNotNull();
            crd = YAML.readTree(in);
        }
        JsonNode schema = null;
        for (JsonNode served : crd.path("spec").path("versions")) {
            if (served.path("name").asText().equals(version)) {
                schema = served.path("schema").path("openAPIV3Schema").deepCopy();
            }
        }
        assertThat(schema).as("CRD version " + version).isNotNull();
        // The API server adds these to every resource's schema; the CRD leaves them out.
        ObjectNode properties = (ObjectNode) schema.path("properties");
        properties.putObject("apiVersion").put("type", "string");
        properties.putObject("kind").put("type", "string");
        properties.putObject("metadata").put("type", "object");
        ((ObjectNode) schema).putArray("required").add("apiVersion").add("kind").add("metadata");
        closeObjects(schema);
        SchemaValidatorsConfig config =
                SchemaValidatorsConfig.builder().locale(Locale.ENGLISH).build();
        return JsonSchemaFactory.getInstance(VersionFlag.V4).getSchema(schema, config);
    }

    private static void closeObjects(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties")
                    && !object.has("additionalProperties")
                    && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
                object.set("additionalProperties", BooleanNode.FALSE);
            }
            for (Iterator<JsonNode> children = object.elements(); children.hasNext(); ) {
                closeObjects(children.next());
            }
        } else if (node.isArray()) {
            node.forEach(KubernetesManifestsTest::closeObjects);
        }
    }

    private static Map<String, String> flinkConfiguration() {
        Map<String, String> flink = new HashMap<>();
        deployment
                .path("spec")
                .path("flinkConfiguration")
                .fields()
                .forEachRemaining(e -> flink.put(e.getKey(), e.getValue().asText()));
        return flink;
    }

    private static Duration duration(Map<String, String> flink, String key) {
        assertThat(flink).containsKey(key);
        return TimeUtils.parseDuration(flink.get(key));
    }

    private static JsonNode mainContainer() {
        for (JsonNode container :
                deployment.path("spec").path("podTemplate").path("spec").path("containers")) {
            if (container.path("name").asText().equals("flink-main-container")) {
                return container;
            }
        }
        throw new AssertionError("no flink-main-container in " + DEPLOYMENT);
    }

    /** The environment variables the pod takes from Secrets, each set to "secret-NAME". */
    private static Map<String, String> secretEnvironment() {
        Map<String, String> environment = new HashMap<>();
        for (JsonNode variable : mainContainer().path("env")) {
            if (variable.path("valueFrom").has("secretKeyRef")) {
                String name = variable.path("name").asText();
                environment.put(name, "secret-" + name);
            }
        }
        return environment;
    }

    /** Writes every entry of the ConfigMap into {@code dir}, as the volume mount does. */
    private static Path writeConfigMap(Path dir) throws IOException {
        for (Iterator<Map.Entry<String, JsonNode>> entries = configMap.path("data").fields();
                entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            Files.writeString(dir.resolve(entry.getKey()), entry.getValue().asText());
        }
        return dir.resolve("syncline.yaml");
    }
}
