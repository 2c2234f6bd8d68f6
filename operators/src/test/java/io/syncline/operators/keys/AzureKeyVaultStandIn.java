package io.syncline.operators.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * A local stand-in for Azure Key Vault and the Microsoft Entra token endpoint, on a free loopback
 * port, following their REST APIs: {@code POST /{tenant}/oauth2/v2.0/token} (client credentials
 * grant, checking tenant, client id, secret and scope) and {@code POST
 * /keys/{name}[/{version}]/wrapkey|unwrapkey?api-version=7.4} with {@code RSA-OAEP-256} under real
 * RSA-2048 keys, a bearer token it issued, and Key Vault's error answers (401, 403, 404, 400). It
 * can be told to answer the next vault requests with 429 or 5xx, to revoke its tokens, or to deny
 * key operations.
 */
final class AzureKeyVaultStandIn implements AutoCloseable {

    static final String TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String CLIENT_ID = "6f1c2a4e-9d3b-4c1e-8a7f-0b5e2d9c4a11";
    static final String CLIENT_SECRET = "Xq8~stand-in-secret.Value_1";
    static final int TOKEN_LIFETIME_SECONDS = 3599;

    private static final Pattern TOKEN_PATH = Pattern.compile("/([^/]+)/oauth2/v2\\.0/token");
    private static final Pattern KEY_PATH =
            Pattern.compile("/keys/([0-9A-Za-z-]+)(?:/([0-9A-Za-z]+))?/(wrapkey|unwrapkey)");
    private static final String ALGORITHM = "RSA-OAEP-256";
    private static final OAEPParameterSpec OAEP_SHA256 =
            new OAEPParameterSpec(
                    "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, LinkedHashMap<String, KeyPair>> keys = new ConcurrentHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final Queue<Integer> failures = new ArrayDeque<>();
    private final List<String> vaultRequests = new CopyOnWriteArrayList<>();
    private volatile boolean denyKeyOperations;
    private final HttpServer server;
    private final ExecutorService executor;

    private AzureKeyVaultStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.start();
    }

    static AzureKeyVaultStandIn start() throws IOException {
        return new AzureKeyVaultStandIn();
    }

    /** Both the vault's URL and the sign-in authority. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Creates a new version of the RSA-2048 key {@code name} (the key itself if it is new), which
     * becomes its current version.
     *
     * @return the version
     */
    String createKey(String name) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, random);
        byte[] id = new byte[16];
        random.nextBytes(id);
        String version = HexFormat.of().formatHex(id);
        keys.computeIfAbsent(name, n -> new LinkedHashMap<>())
                .put(version, generator.generateKeyPair());
        return version;
    }

    /** Settings for key {@code keyName} (its current version if {@code keyVersion} is null). */
    AzureKeyVaultSettings settings(String keyName, String keyVersion, String clientSecret) {
        return new AzureKeyVaultSettings(
                url(), keyName, keyVersion, TENANT_ID, CLIENT_ID, clientSecret, url());
    }

    /**
     * {@code wrapped}, unwrapped here with RSA-OAEP-256 under version {@code version} of the key.
     */
    byte[] unwrapLocally(String keyName, String version, byte[] wrapped)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
        cipher.init(Cipher.DECRYPT_MODE, keys.get(keyName).get(version).getPrivate(), OAEP_SHA256);
        return cipher.doFinal(wrapped);
    }

    /** Answers the next vault requests with these statuses, one each. */
    void failNext(Integer... statuses) {
        synchronized (failures) {
            failures.addAll(List.of(statuses));
        }
    }

    /** Every token issued so far stops working, as if it expired early. */
    void revokeTokens() {
        tokens.clear();
    }

    /** Answers key operations with 403, as for an application without the permissions. */
    void denyKeyOperations() {
        denyKeyOperations = true;
    }

    int tokensIssued() {
        return tokensIssued.get();
    }

    /** The vault requests received, as {@code <operation> <key name>/<version or ->}. */
    List<String> vaultRequests() {
        return List.copyOf(vaultRequests);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String body =
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, vaultError("BadRequest", "only POST here"));
                return;
            }
            Matcher token = TOKEN_PATH.matcher(path);
            if (token.matches()) {
                token(exchange, token.group(1), body);
                return;
            }
            Matcher key = KEY_PATH.matcher(path);
            if (key.matches()) {
                keyOperation(exchange, key.group(1), key.group(2), key.group(3), body);
                return;
            }
            answer(exchange, 404, vaultError("NotFound", "no such endpoint: " + path));
        } catch (RuntimeException | GeneralSecurityException e) {
            answer(exchange, 500, vaultError("InternalServerError", e.toString()));
        } finally {
            exchange.close();
        }
    }

    private void token(HttpExchange exchange, String tenant, String body) throws IOException {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        if (!TENANT_ID.equals(tenant)) {
            answer(
                    exchange,
                    400,
                    signInError(
                            "invalid_request", "AADSTS90002: Tenant '" + tenant + "' not found."));
        } else if (!"client_credentials".equals(form.get("grant_type"))) {
            answer(
                    exchange,
                    400,
                    signInError(
                            "unsupported_grant_type",
                            "AADSTS70003: The app requested an unsupported grant type."));
        } else if (!CLIENT_ID.equals(form.get("client_id"))) {
            answer(
                    exchange,
                    400,
                    signInError(
                            "unauthorized_client",
                            "AADSTS700016: Application with identifier '"
                                    + form.get("client_id")
                                    + "' was not found in the directory."));
        } else if (!CLIENT_SECRET.equals(form.get("client_secret"))) {
            answer(
                    exchange,
                    401,
                    signInError(
                            "invalid_client",
                            "AADSTS7000215: Invalid client secret provided. Ensure the secret"
                                    + " being sent in the request is the client secret value,"
                                    + " not the client secret ID."));
        } else if (!AzureKeyVaultKeyService.SCOPE.equals(form.get("scope"))) {
            answer(
                    exchange,
                    400,
                    signInError(
                            "invalid_scope",
                            "AADSTS1002012: The provided value for scope "
                                    + form.get("scope")
                                    + " is not valid."));
        } else {
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            String accessToken = "stand-in." + Base64.getUrlEncoder().encodeToString(bytes);
            tokens.add(accessToken);
            tokensIssued.incrementAndGet();
            ObjectNode answer = json.createObjectNode();
            answer.put("token_type", "Bearer");
            answer.put("expires_in", TOKEN_LIFETIME_SECONDS);
            answer.put("ext_expires_in", TOKEN_LIFETIME_SECONDS);
            answer.put("access_token", accessToken);
            answer(exchange, 200, answer.toString());
        }
    }

    private void keyOperation(
            HttpExchange exchange, String name, String version, String operation, String body)
            throws IOException, GeneralSecurityException {
        vaultRequests.add(operation + " " + name + "/" + (version == null ? "-" : version));
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null
                || !authorization.startsWith("Bearer ")
                || !tokens.contains(authorization.substring("Bearer ".length()))) {
            exchange.getResponseHeaders()
                    .add(
                            "WWW-Authenticate",
                            "Bearer authorization=\""
                                    + url()
                                    + "/"
                                    + TENANT_ID
                                    + "\", resource=\"https://vault.azure.net\"");
            answer(
                    exchange,
                    401,
                    vaultError(
                            "Unauthorized",
                            authorization == null
                                    ? "AKV10000: Request is missing a Bearer or PoP token."
                                    : "AKV10022: Invalid audience or expired token."));
            return;
        }
        Integer failure;
        synchronized (failures) {
            failure = failures.poll();
        }
        if (failure != null) {
            if (failure == 429) {
                exchange.getResponseHeaders().add("Retry-After", "1");
            }
            answer(
                    exchange,
                    failure,
                    vaultError(
                            failure == 429 ? "Throttled" : "ServiceUnavailable",
                            "Request was not processed, try again later."));
            return;
        }
        if (!"7.4".equals(query(exchange, "api-version"))) {
            answer(exchange, 400, vaultError("BadParameter", "api-version is missing or unknown"));
            return;
        }
        LinkedHashMap<String, KeyPair> versions = keys.get(name);
        String resolved =
                versions == null
                        ? null
                        : version != null
                                ? (versions.containsKey(version) ? version : null)
                                : versions.keySet().stream().reduce((a, b) -> b).orElse(null);
        if (resolved == null) {
            answer(
                    exchange,
                    404,
                    vaultError(
                            "KeyNotFound",
                            "A key with (name/id) "
                                    + name
                                    + (version == null ? "" : "/" + version)
                                    + " was not found in this key vault. If you recently deleted"
                                    + " this key you may be able to recover it using the correct"
                                    + " recovery command."));
            return;
        }
        if (denyKeyOperations) {
            answer(
                    exchange,
                    403,
                    vaultError(
                            "Forbidden",
                            "The user, group or application 'appid="
                                    + CLIENT_ID
                                    + "' does not have keys "
                                    + (operation.equals("wrapkey") ? "wrap" : "unwrap")
                                    + " key permission on key vault."));
            return;
        }
        JsonNode request = json.readTree(body);
        if (!ALGORITHM.equals(request.path("alg").asText())) {
            answer(
                    exchange,
                    400,
                    vaultError(
                            "BadParameter", "Invalid algorithm: " + request.path("alg").asText()));
            return;
        }
        byte[] value;
        try {
            value = Base64.getUrlDecoder().decode(request.path("value").asText());
        } catch (IllegalArgumentException e) {
            answer(exchange, 400, vaultError("BadParameter", "value is not base64url"));
            return;
        }
        KeyPair pair = versions.get(resolved);
        Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
        byte[] result;
        try {
            if (operation.equals("wrapkey")) {
                cipher.init(Cipher.ENCRYPT_MODE, pair.getPublic(), OAEP_SHA256);
            } else {
                cipher.init(Cipher.DECRYPT_MODE, pair.getPrivate(), OAEP_SHA256);
            }
            result = cipher.doFinal(value);
        } catch (GeneralSecurityException e) {
            answer(exchange, 400, vaultError("BadParameter", "Unwrap failed: " + e.getMessage()));
            return;
        }
        ObjectNode answer = json.createObjectNode();
        answer.put("kid", url() + "/keys/" + name + "/" + resolved);
        answer.put("value", Base64.getUrlEncoder().withoutPadding().encodeToString(result));
        answer(exchange, 200, answer.toString());
    }

    private static String query(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    private String vaultError(String code, String message) {
        ObjectNode error = json.createObjectNode();
        error.putObject("error").put("code", code).put("message", message);
        return error.toString();
    }

    private String signInError(String error, String description) {
        ObjectNode answer = json.createObjectNode();
        answer.put("error", error);
        answer.put("error_description", description);
        answer.putArray("error_codes");
        return answer.toString();
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
