package io.syncline.operators.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.operators.retry.RetryPolicy;
import io.syncline.operators.retry.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * A key service over an RSA key in Azure Key Vault: data keys are wrapped and unwrapped by the
 * vault's REST API ({@code wrapkey} and {@code unwrapkey}, {@code RSA-OAEP-256}), so the KEK never
 * leaves the vault. Syncline signs in with an app registration's client credentials (OAuth 2.0) and
 * keeps the access token until shortly before it expires. Throttling (429) and server errors (5xx)
 * are retried with growing waits; refusals fail at once with what to fix.
 */
public final class AzureKeyVaultKeyService implements KeyManagementService {

    /** The Key Vault REST API version spoken. */
    public static final String API_VERSION = "7.4";

    /** The wrapping algorithm: RSA-OAEP with SHA-256 and MGF1-SHA-256. */
    public static final String ALGORITHM = "RSA-OAEP-256";

    /** The OAuth 2.0 scope of Key Vault's data plane. */
    public static final String SCOPE = "https://vault.azure.net/.default";

    /** Four attempts, waiting about 0.5 s, 1 s and 2 s in between. */
    public static final RetryPolicy DEFAULT_RETRY =
            new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(10), 2.0, 0.2);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    // A token is renewed this long before it expires, so none expires in flight.
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(5);
    private static final int MAX_MESSAGE = 300;

    private final AzureKeyVaultSettings settings;
    private final HttpClient client;
    private final Clock clock;
    private final RetryPolicy retry;
    private final Sleeper sleeper;
    private final ObjectMapper json = new ObjectMapper();
    private String accessToken;
    private Instant renewAt = Instant.MIN;

    /** The service with the system clock, {@link #DEFAULT_RETRY} and a new HTTP client. */
    public AzureKeyVaultKeyService(AzureKeyVaultSettings settings) {
        this(
                settings,
                HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build(),
                Clock.systemUTC(),
                DEFAULT_RETRY,
                Sleeper.SYSTEM);
    }

    /**
     * @param clock tells when the access token must be renewed
     * @param retry how throttled, failed or unreachable requests are tried again
     * @param sleeper waits between attempts
     */
    public AzureKeyVaultKeyService(
            AzureKeyVaultSettings settings,
            HttpClient client,
            Clock clock,
            RetryPolicy retry,
            Sleeper sleeper) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    @Override
    public WrappedKey wrap(byte[] dataKey) {
        String version = settings.keyVersion();
        JsonNode result = keyOperation("wrapkey", version, dataKey);
        String kid = result.path("kid").asText("");
        return new WrappedKey(settings.keyId(), versionOf(kid), value(result, "wrapkey"));
    }

    @Override
    public byte[] unwrap(WrappedKey wrapped) {
        if (!wrapped.kekId().equals(settings.keyId())) {
            throw new KeyServiceException(
                    "the data key was wrapped by "
                            + wrapped.kek()
                            + ", not by "
                            + description()
                            + "; set security.keys.azure to the vault and key the key table was"
                            + " made with");
        }
        return value(keyOperation("unwrapkey", wrapped.kekVersion(), wrapped.bytes()), "unwrapkey");
    }

    @Override
    public String description() {
        return "Azure Key Vault key " + settings.keyId();
    }

    @Override
    public void close() {
        // The HTTP client holds no resources that outlive it.
    }

    /** {@code POST {vault}/keys/{name}[/{version}]/{operation}} with {@code value}, signed in. */
    private JsonNode keyOperation(String operation, String version, byte[] value) {
        URI uri =
                URI.create(
                        settings.keyId()
                                + (version == null ? "" : "/" + version)
                                + "/"
                                + operation
                                + "?api-version="
                                + API_VERSION);
        String body = "{\"alg\":\"" + ALGORITHM + "\",\"value\":\"" + base64Url(value) + "\"}";
        boolean renewedToken = false;
        int failures = 0;
        while (true) {
            HttpRequest request =
                    HttpRequest.newBuilder(uri)
                            .timeout(REQUEST_TIMEOUT)
                            .header("Authorization", "Bearer " + token())
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                            .build();
            Answer answer = send(request);
            if (answer.status() == 200) {
                return parse(answer.body(), operation);
            }
            if (answer.status() == 401 && !renewedToken) {
                // Expired or revoked before its time: sign in again, once.
                forgetToken();
                renewedToken = true;
                continue;
            }
            if (!answer.passing()) {
                throw refused(operation, version, answer);
            }
            failures++;
            if (failures >= retry.maxAttempts()) {
                throw unavailable(description() + " (" + operation + ")", failures, answer);
            }
            pause(failures, answer);
        }
    }

    /** The access token, signing in first if there is none or it is about to expire. */
    private synchronized String token() {
        Instant now = clock.instant();
        if (accessToken != null && now.isBefore(renewAt)) {
            return accessToken;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", settings.clientId());
        form.put("client_secret", settings.clientSecret());
        form.put("scope", SCOPE);
        form.put("grant_type", "client_credentials");
        String body =
                form.entrySet().stream()
                        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                        .collect(Collectors.joining("&"));
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(settings.tokenUrl()))
                        .timeout(REQUEST_TIMEOUT)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build();
        int failures = 0;
        while (true) {
            Answer answer = send(request);
            if (answer.status() == 200) {
                JsonNode token = parse(answer.body(), "token");
                String value = token.path("access_token").asText("");
                if (value.isEmpty()) {
                    throw new KeyServiceException(
                            "the token endpoint "
                                    + settings.tokenUrl()
                                    + " answered without an access_token; check"
                                    + " security.keys.azure.authority");
                }
                long expiresIn = token.path("expires_in").asLong(3600);
                Duration lifetime = Duration.ofSeconds(expiresIn);
                Duration margin =
                        lifetime.dividedBy(2).compareTo(TOKEN_MARGIN) < 0
                                ? lifetime.dividedBy(2)
                                : TOKEN_MARGIN;
                accessToken = value;
                renewAt = now.plus(lifetime).minus(margin);
                return accessToken;
            }
            if (!answer.passing()) {
                throw signInRefused(answer);
            }
            failures++;
            if (failures >= retry.maxAttempts()) {
                throw unavailable("the token endpoint " + settings.tokenUrl(), failures, answer);
            }
            pause(failures, answer);
        }
    }

    private synchronized void forgetToken() {
        accessToken = null;
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response =
                    client.send(
                            request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(
                    response.statusCode(),
                    response.body(),
                    response.headers().firstValueAsLong("Retry-After"),
                    null);
        } catch (IOException e) {
            // Unreachable, reset or timed out: may pass, like a 503.
            return new Answer(-1, "", OptionalLong.empty(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyServiceException(
                    "interrupted while calling " + request.uri().getHost(), e);
        }
    }

    private void pause(int failures, Answer answer) {
        Duration wait = retry.backoff(failures);
        if (answer.retryAfterSeconds().isPresent()) {
            Duration asked = Duration.ofSeconds(answer.retryAfterSeconds().getAsLong());
            if (asked.compareTo(wait) > 0) {
                wait = asked.compareTo(retry.maxBackoff()) > 0 ? retry.maxBackoff() : asked;
            }
        }
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyServiceException("interrupted while waiting to retry " + description(), e);
        }
    }

    private JsonNode parse(String body, String what) {
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new KeyServiceException(
                    "the answer of "
                            + description()
                            + " to "
                            + what
                            + " is not JSON; check security.keys.azure.vaultUrl and authority",
                    e);
        }
    }

    private byte[] value(JsonNode result, String operation) {
        String value = result.path("value").asText("");
        try {
            return Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new KeyServiceException(
                    "the answer of " + description() + " to " + operation + " has no valid value",
                    e);
        }
    }

    /** The version in a key id, {@code https://{vault}/keys/{name}/{version}}. */
    private String versionOf(String kid) {
        String prefix = "/keys/" + settings.keyName() + "/";
        int at = kid.indexOf(prefix);
        String version = at < 0 ? "" : kid.substring(at + prefix.length());
        if (version.isEmpty() || version.contains("/")) {
            throw new KeyServiceException(
                    description()
                            + " answered wrapkey with the key id '"
                            + kid
                            + "', which names no version of the key; check"
                            + " security.keys.azure.vaultUrl");
        }
        return version;
    }

    private KeyServiceException refused(String operation, String version, Answer answer) {
        String key =
                "key "
                        + settings.keyName()
                        + (version == null ? "" : " version " + version)
                        + " of vault "
                        + settings.vaultUrl();
        String why = " (" + answer.status() + " " + vaultError(answer.body()) + ")";
        String fix =
                switch (answer.status()) {
                    case 401 ->
                            "; the vault does not accept the tokens of client "
                                    + settings.clientId()
                                    + ": check security.keys.azure.tenantId, which must be the"
                                    + " vault's tenant";
                    case 403 ->
                            "; client "
                                    + settings.clientId()
                                    + " may not use it: grant it the wrapKey and unwrapKey key"
                                    + " permissions (e.g. the role Key Vault Crypto Service"
                                    + " Encryption User on the key or vault)";
                    case 404 ->
                            "; it does not exist: check security.keys.azure.vaultUrl, keyName"
                                    + " and keyVersion, or create it, e.g. az keyvault key create"
                                    + " --vault-name <vault> --name "
                                    + settings.keyName()
                                    + " --kty RSA --size 3072";
                    case 400 ->
                            "; the key must be an RSA key whose operations include wrapKey and"
                                    + " unwrapKey";
                    default -> "";
                };
        return new KeyServiceException(
                "Azure Key Vault refused " + operation + " with " + key + why + fix);
    }

    private KeyServiceException signInRefused(Answer answer) {
        String error = "";
        try {
            JsonNode body = json.readTree(answer.body());
            error =
                    body.path("error").asText("")
                            + (body.hasNonNull("error_description")
                                    ? ": " + body.path("error_description").asText()
                                    : "");
        } catch (JsonProcessingException e) {
            error = answer.body();
        }
        return new KeyServiceException(
                "Microsoft Entra ID refused to sign in client "
                        + settings.clientId()
                        + " of tenant "
                        + settings.tenantId()
                        + " at "
                        + settings.tokenUrl()
                        + " ("
                        + answer.status()
                        + " "
                        + abbreviated(error)
                        + "); check security.keys.azure.tenantId, clientId and clientSecret (a"
                        + " client secret expires: make a new one in the app registration)");
    }

    private static KeyServiceException unavailable(String what, int attempts, Answer last) {
        return new KeyServiceException(
                what
                        + " failed "
                        + attempts
                        + " times; the last answer: "
                        + (last.failure() != null
                                ? last.failure().toString()
                                : last.status() + " " + abbreviated(last.body()))
                        + "; is it reachable from here? the job retries once it restarts",
                last.failure());
    }

    /** {@code "Code: message"} of a Key Vault error answer, or its body. */
    private String vaultError(String body) {
        try {
            JsonNode error = json.readTree(body).path("error");
            if (error.isObject()) {
                return abbreviated(
                        error.path("code").asText("") + ": " + error.path("message").asText(""));
            }
        } catch (JsonProcessingException e) {
            // Not JSON: shown as it is.
        }
        return abbreviated(body);
    }

    private static String abbreviated(String text) {
        String stripped = text == null ? "" : text.strip();
        return stripped.length() <= MAX_MESSAGE
                ? stripped
                : stripped.substring(0, MAX_MESSAGE) + "…";
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** One answer, or the failure to get one ({@code status} -1). */
    private record Answer(
            int status, String body, OptionalLong retryAfterSeconds, IOException failure) {

        /** Throttled, a server error, or no answer: may pass. */
        boolean passing() {
            return status == -1 || status == 429 || status >= 500;
        }
    }
}
