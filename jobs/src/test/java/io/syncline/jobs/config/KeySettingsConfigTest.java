package io.syncline.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.operators.keys.AzureKeyVaultSettings;
import io.syncline.operators.keys.Pkcs12Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code security.keys}: the key service and key table, their defaults and their problems. */
class KeySettingsConfigTest {

    private static final String BASE =
            """
            sources:
              - id: crm
                hostname: db.internal
                database: crm
                username: syncline
                tables:
                  - table: public.customers
                    entityType: customer
                    tenantColumn: tenant_id
            sinks:
              kafka:
                bootstrapServers: localhost:9092
              target:
                url: jdbc:postgresql://localhost:5432/warehouse
                username: syncline
            """;

    private static final String ENCRYPTED_EMAIL =
            """
              entities:
                customer:
                  fields:
                    email: {class: confidential, encrypt: true}
            """;

    private static final Map<String, String> ENVIRONMENT =
            Map.of(
                    "SYNCLINE_KEYSTORE_PASSWORD",
                    "keystore-secret",
                    "AZURE_CLIENT_SECRET",
                    "s3cret");

    @TempDir Path directory;

    @Test
    void aPkcs12KeystoreDefaultsNextToTheConfigurationFile() throws IOException {
        SynclineConfig config =
                load(
                        BASE
                                + "security:\n"
                                + ENCRYPTED_EMAIL
                                + "  keys:\n"
                                + "    password: ${SYNCLINE_KEYSTORE_PASSWORD}\n");

        KeySettings keys = config.security().keys();
        assertThat(keys.service()).isEqualTo("pkcs12");
        assertThat(keys.keyStore())
                .isEqualTo(directory.resolve("syncline-keys.p12").toAbsolutePath());
        assertThat(keys.password()).isEqualTo("keystore-secret");
        assertThat(keys.table()).isEqualTo("syncline_keys");
        assertThat(keys.refresh()).isEqualTo(Duration.ofMinutes(1));
        assertThat(keys.azure()).isNull();
        assertThat(keys.keyService())
                .isEqualTo(
                        new Pkcs12Settings(
                                directory.resolve("syncline-keys.p12").toString(),
                                "keystore-secret",
                                "syncline-kek"));
        assertThat(keys.toString()).doesNotContain("keystore-secret");
    }

    @Test
    void aKeystorePathTableAndRefreshAsWritten() throws IOException {
        SynclineConfig config =
                load(
                        BASE
                                + "security:\n"
                                + "  keys:\n"
                                + "    keyStore: secrets/keys.p12\n"
                                + "    password: ${SYNCLINE_KEYSTORE_PASSWORD}\n"
                                + "    table: security.data_keys\n"
                                + "    refresh: 30s\n");

        KeySettings keys = config.security().keys();
        assertThat(keys.keyStore())
                .isEqualTo(directory.resolve("secrets/keys.p12").toAbsolutePath());
        assertThat(keys.table()).isEqualTo("security.data_keys");
        assertThat(keys.refresh()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void azureKeyVaultWithItsDefaultAuthority() throws IOException {
        SynclineConfig config =
                load(
                        BASE
                                + "security:\n"
                                + ENCRYPTED_EMAIL
                                + "  keys:\n"
                                + "    service: azure-key-vault\n"
                                + "    azure:\n"
                                + "      vaultUrl: https://syncline-prod.vault.azure.net/\n"
                                + "      keyName: syncline-kek\n"
                                + "      tenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47\n"
                                + "      clientId: 6f1c2a4e-9d3b-4c1e-8a7f-0b5e2d9c4a11\n"
                                + "      clientSecret: ${AZURE_CLIENT_SECRET}\n");

        KeySettings keys = config.security().keys();
        assertThat(keys.keyStore()).isNull();
        assertThat(keys.password()).isNull();
        assertThat(keys.keyService())
                .isEqualTo(
                        new AzureKeyVaultSettings(
                                "https://syncline-prod.vault.azure.net",
                                "syncline-kek",
                                null,
                                "72f988bf-86f1-41af-91ab-2d7cd011db47",
                                "6f1c2a4e-9d3b-4c1e-8a7f-0b5e2d9c4a11",
                                "s3cret",
                                "https://login.microsoftonline.com"));
        assertThat(keys.toString()).doesNotContain("s3cret");
    }

    @Test
    void anEncryptedFieldWithoutKeysSaysHowToSetThemUp() throws IOException {
        ConfigException e = problems(BASE + "security:\n" + ENCRYPTED_EMAIL);

        assertThat(e.problems())
                .extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(
                                "security.keys",
                                "is required: security.entities.customer.fields.email is"
                                        + " encrypted, and data keys need a key service; add e.g."
                                        + " keys: {service: pkcs12, keyStore: syncline-keys.p12,"
                                        + " password: ${SYNCLINE_KEYSTORE_PASSWORD}}, then run"
                                        + " syncline keys init -c <this file> to create the"
                                        + " keystore and the key table"));
    }

    @Test
    void aKeystoreWithoutPasswordIsAProblem() throws IOException {
        ConfigException e = problems(BASE + "security:\n  keys: {service: pkcs12}\n");

        assertThat(e.problems())
                .extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(
                                "security.keys.password",
                                "is required: the password of the PKCS12 keystore; e.g."
                                        + " password: ${SYNCLINE_KEYSTORE_PASSWORD}, with the"
                                        + " variable set where the job and syncline keys run"));
    }

    @Test
    void badUrlsServicesAndMisplacedSettingsAreProblems() throws IOException {
        ConfigException e =
                problems(
                        BASE
                                + "security:\n"
                                + "  keys:\n"
                                + "    service: azure-key-vault\n"
                                + "    password: nope\n"
                                + "    refresh: 0s\n"
                                + "    azure:\n"
                                + "      vaultUrl: http://syncline-prod.vault.azure.net\n"
                                + "      keyName: syncline_kek\n"
                                + "      tenantId: t\n"
                                + "      clientId: c\n"
                                + "      clientSecret: s\n"
                                + "      authority: login.microsoftonline.com\n");

        assertThat(e.problems())
                .extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple("security.keys.refresh", "must be above zero, e.g. 1m"),
                        tuple(
                                "security.keys.password",
                                "applies only to service pkcs12 (Azure Key Vault keeps the"
                                        + " key-encryption key); remove it"),
                        tuple(
                                "security.keys.azure.vaultUrl",
                                "'http://syncline-prod.vault.azure.net' is not an https URL"
                                        + " without query; write e.g."
                                        + " https://syncline-prod.vault.azure.net"),
                        tuple(
                                "security.keys.azure.keyName",
                                "'syncline_kek' is not a Key Vault key name: 1 to 127 letters,"
                                        + " digits and dashes"),
                        tuple(
                                "security.keys.azure.authority",
                                "'login.microsoftonline.com' is not an https URL without query;"
                                        + " write e.g. https://login.microsoftonline.com"));
    }

    @Test
    void anUnknownServiceIsAProblem() throws IOException {
        ConfigException e = problems(BASE + "security:\n  keys: {service: vault, password: x}\n");

        assertThat(e.problems())
                .extracting(ConfigProblem::path, ConfigProblem::message)
                .containsExactly(
                        tuple(
                                "security.keys.service",
                                "'vault' is not a key service; use pkcs12 (a local keystore file"
                                        + " that syncline keys init creates) or azure-key-vault"));
    }

    @Test
    void noKeysAndNoEncryptedFieldIsFine() throws IOException {
        assertThat(load(BASE).security().keys()).isNull();
    }

    private SynclineConfig load(String yaml) throws IOException {
        Path file = directory.resolve("syncline.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, ENVIRONMENT::get);
    }

    private ConfigException problems(String yaml) throws IOException {
        return catchThrowableOfType(() -> load(yaml), ConfigException.class);
    }
}
