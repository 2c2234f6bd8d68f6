package io.syncline.operators.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.MutableClock;
import io.syncline.operators.retry.RetryPolicy;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AzureKeyVaultKeyService} against {@link AzureKeyVaultStandIn}, a local server that follows
 * the Key Vault and Microsoft Entra REST APIs with real RSA-2048 keys.
 */
class AzureKeyVaultKeyServiceTest {

    private static final String KEY = "syncline-kek";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T08:00:00Z"));
    private final List<Duration> waits = new ArrayList<>();
    private AzureKeyVaultStandIn vault;
    private String firstVersion;
    private String currentVersion;

    @BeforeEach
    void startVault() throws Exception {
        vault = AzureKeyVaultStandIn.start();
        firstVersion = vault.createKey(KEY);
        currentVersion = vault.createKey(KEY);
    }

    @AfterEach
    void stopVault() {
        vault.close();
    }

    @Test
    void wrapsWithTheKeysCurrentVersionAndUnwrapsWithTheVersionItRecorded() throws Exception {
        AzureKeyVaultKeyService service = service(null, AzureKeyVaultStandIn.CLIENT_SECRET);
        byte[] dataKey = dataKey();

        WrappedKey wrapped = service.wrap(dataKey);

        assertThat(wrapped.kekId()).isEqualTo(vault.url() + "/keys/" + KEY);
        assertThat(wrapped.kekVersion()).isEqualTo(currentVersion);
        // RSA-2048: 256 bytes, which the vault's private key opens with RSA-OAEP-256.
        assertThat(wrapped.bytes()).hasSize(256);
        assertThat(vault.unwrapLocally(KEY, currentVersion, wrapped.bytes())).isEqualTo(dataKey);
        assertThat(service.unwrap(wrapped)).isEqualTo(dataKey);
        assertThat(vault.vaultRequests())
                .containsExactly(
                        "wrapkey " + KEY + "/-", "unwrapkey " + KEY + "/" + currentVersion);
    }

    @Test
    void aConfiguredKeyVersionIsTheOneThatWraps() {
        AzureKeyVaultKeyService service = service(firstVersion, AzureKeyVaultStandIn.CLIENT_SECRET);
        byte[] dataKey = dataKey();

        WrappedKey wrapped = service.wrap(dataKey);

        assertThat(wrapped.kekVersion()).isEqualTo(firstVersion);
        assertThat(service.unwrap(wrapped)).isEqualTo(dataKey);
    }

    @Test
    void aKeyWrappedUnderAnOlderVersionStaysReadableAfterTheKeyRotates() throws Exception {
        AzureKeyVaultKeyService service = service(null, AzureKeyVaultStandIn.CLIENT_SECRET);
        byte[] dataKey = dataKey();
        WrappedKey wrapped = service.wrap(dataKey);

        String newest = vault.createKey(KEY);

        assertThat(service.wrap(dataKey()).kekVersion()).isEqualTo(newest);
        assertThat(service.unwrap(wrapped)).isEqualTo(dataKey);
    }

    @Test
    void oneTokenServesEveryRequestUntilItIsAboutToExpire() {
        AzureKeyVaultKeyService service = service(null, AzureKeyVaultStandIn.CLIENT_SECRET);

        WrappedKey wrapped = service.wrap(dataKey());
        service.unwrap(wrapped);
        clock.advance(Duration.ofMinutes(50));
        service.wrap(dataKey());

        assertThat(vault.tokensIssued()).isEqualTo(1);

        // Within five minutes of its expiry (3599 s) a token is renewed before it is used.
        clock.advance(Duration.ofMinutes(5));
        service.unwrap(wrapped);

        assertThat(vault.tokensIssued()).isEqualTo(2);
    }

    @Test
    void aTokenTheVaultNoLongerAcceptsIsRenewedOnce() {
        AzureKeyVaultKeyService service = service(null, AzureKeyVaultStandIn.CLIENT_SECRET);
        byte[] dataKey = dataKey();
        WrappedKey wrapped = service.wrap(dataKey);

        vault.revokeTokens();

        assertThat(service.unwrap(wrapped)).isEqualTo(dataKey);
        assertThat(vault.tokensIssued()).isEqualTo(2);
    }

    @Test
    void aWrongClientSecretFailsNamingTheClientAndTheSettingsToCheck() {
        AzureKeyVaultKeyService service = service(null, "not-the-secret");

        assertThatThrownBy(() -> service.wrap(dataKey()))
                .isInstanceOf(KeyServiceException.class)
                .hasMessage(
                        "Microsoft Entra ID refused to sign in client "
                                + AzureKeyVaultStandIn.CLIENT_ID
                                + " of tenant "
                                + AzureKeyVaultStandIn.TENANT_ID
                                + " at "
                                + vault.url()
                                + "/"
                                + AzureKeyVaultStandIn.TENANT_ID
                                + "/oauth2/v2.0/token (401 invalid_client: AADSTS7000215: Invalid"
                                + " client secret provided. Ensure the secret being sent in the"
                                + " request is the client secret value, not the client secret"
                                + " ID.); check security.keys.azure.tenantId, clientId and"
                                + " clientSecret (a client secret expires: make a new one in the"
                                + " app registration)");
        assertThat(vault.vaultRequests()).isEmpty();
    }

    @Test
    void anUnknownKeyFailsNamingTheVaultTheKeyAndHowToCreateIt() {
        AzureKeyVaultKeyService service =
                new AzureKeyVaultKeyService(
                        vault.settings("no-such-key", null, AzureKeyVaultStandIn.CLIENT_SECRET),
                        HttpClient.newHttpClient(),
                        clock,
                        AzureKeyVaultKeyService.DEFAULT_RETRY,
                        waits::add);

        assertThatThrownBy(() -> service.wrap(dataKey()))
                .isInstanceOf(KeyServiceException.class)
                .hasMessage(
                        "Azure Key Vault refused wrapkey with key no-such-key of vault "
                                + vault.url()
                                + " (404 KeyNotFound: A key with (name/id) no-such-key was not"
                                + " found in this key vault. If you recently deleted this key you"
                                + " may be able to recover it using the correct recovery"
                                + " command.); it does not exist: check"
                                + " security.keys.azure.vaultUrl, keyName and keyVersion, or"
                                + " create it, e.g. az keyvault key create --vault-name <vault>"
                                + " --name no-such-key --kty RSA --size 3072");
        assertThat(waits).isEmpty();
    }

    @Test
    void anApplicationWithoutKeyPermissionsIsToldWhichToGrant() {
        AzureKeyVaultKeyService service = service(null, AzureKeyVaultStandIn.CLIENT_SECRET);
        vault.denyKeyOperations();

        assertThatThrownBy(() -> service.wrap(dataKey()))
                .isInstanceOf(KeyServiceException.class)
                .hasMessageContaining("(403 Forbidden: The user, group or application")
                .hasMessageEndingWith(
                        "; client "
                                + AzureKeyVaultStandIn.CLIENT_ID
                                + " may not use it: grant it the wrapKey and unwrapKey key"
                                + " permissions (e.g. the role Key Vault Crypto Service"
                                + " Encryption User on the key or vault)");
    }

    @Test
    void throttlingAndServerErrorsAreRetriedWithGrowingWaits() {
        AzureKeyVaultKeyService service = service(null, AzureKeyVaultStandIn.CLIENT_SECRET);
        byte[] dataKey = dataKey();
        vault.failNext(429, 503);

        WrappedKey wrapped = service.wrap(dataKey);

        assertThat(service.unwrap(wrapped)).isEqualTo(dataKey);
        assertThat(vault.vaultRequests()).hasSize(4);
        // The 429 asked for 1 s (Retry-After), more than the first backoff; then 1 s again.
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Test
    void aVaultThatKeepsFailingIsReportedAfterTheLastAttempt() {
        AzureKeyVaultKeyService service = service(null, AzureKeyVaultStandIn.CLIENT_SECRET);
        vault.failNext(503, 503, 503, 503);

        assertThatThrownBy(() -> service.wrap(dataKey()))
                .isInstanceOf(KeyServiceException.class)
                .hasMessageStartingWith(
                        "Azure Key Vault key "
                                + vault.url()
                                + "/keys/"
                                + KEY
                                + " (wrapkey) failed 4 times; the last answer: 503");
        assertThat(vault.vaultRequests()).hasSize(4);
        assertThat(waits).hasSize(3);
    }

    @Test
    void aKeyWrappedInAnotherVaultIsNotSentToThisOne() {
        AzureKeyVaultKeyService service = service(null, AzureKeyVaultStandIn.CLIENT_SECRET);
        WrappedKey foreign =
                new WrappedKey(
                        "https://other.vault.azure.net/keys/" + KEY, "abc123", new byte[256]);

        assertThatThrownBy(() -> service.unwrap(foreign))
                .isInstanceOf(KeyServiceException.class)
                .hasMessage(
                        "the data key was wrapped by https://other.vault.azure.net/keys/"
                                + KEY
                                + " version abc123, not by Azure Key Vault key "
                                + vault.url()
                                + "/keys/"
                                + KEY
                                + "; set security.keys.azure to the vault and key the key table"
                                + " was made with");
        assertThat(vault.vaultRequests()).isEmpty();
    }

    @Test
    void theClientSecretNeverAppearsInTheSettingsText() {
        assertThat(vault.settings(KEY, null, AzureKeyVaultStandIn.CLIENT_SECRET).toString())
                .doesNotContain(AzureKeyVaultStandIn.CLIENT_SECRET)
                .isEqualTo(
                        "AzureKeyVaultSettings["
                                + vault.url()
                                + "/keys/"
                                + KEY
                                + ", tenant "
                                + AzureKeyVaultStandIn.TENANT_ID
                                + ", client "
                                + AzureKeyVaultStandIn.CLIENT_ID
                                + "]");
    }

    private AzureKeyVaultKeyService service(String keyVersion, String secret) {
        return new AzureKeyVaultKeyService(
                vault.settings(KEY, keyVersion, secret),
                HttpClient.newHttpClient(),
                clock,
                new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(10)),
                waits::add);
    }

    private static byte[] dataKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
