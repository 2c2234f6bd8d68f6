package io.syncline.operators.keys;

import java.util.Objects;

/**
 * Where the Azure Key Vault key-encryption key is and how Syncline signs in to use it (an app
 * registration's client credentials).
 *
 * @param vaultUrl the vault, e.g. {@code https://syncline-prod.vault.azure.net}
 * @param keyName the RSA key that wraps the data keys
 * @param keyVersion the key version to wrap with; {@code null} for the key's current version
 * @param tenantId the Microsoft Entra tenant of the app registration
 * @param clientId the app registration's client (application) id
 * @param clientSecret the app registration's client secret; never in {@link #toString()}
 * @param authority the sign-in endpoint, {@value #DEFAULT_AUTHORITY} in the public cloud
 */
public record AzureKeyVaultSettings(
        String vaultUrl,
        String keyName,
        String keyVersion,
        String tenantId,
        String clientId,
        String clientSecret,
        String authority)
        implements KeyServiceSettings {

    /** The public cloud's sign-in endpoint. */
    public static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";

    public AzureKeyVaultSettings {
        vaultUrl = withoutTrailingSlash(Objects.requireNonNull(vaultUrl, "vaultUrl"));
        Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        authority = withoutTrailingSlash(authority == null ? DEFAULT_AUTHORITY : authority);
        if (keyVersion != null && keyVersion.isBlank()) {
            keyVersion = null;
        }
    }

    /** The key's id without a version: what {@link WrappedKey#kekId()} records. */
    public String keyId() {
        return vaultUrl + "/keys/" + keyName;
    }

    @Override
    public AzureKeyVaultKeyService open() {
        return new AzureKeyVaultKeyService(this);
    }

    /** The token endpoint of the tenant. */
    public String tokenUrl() {
        return authority + "/" + tenantId + "/oauth2/v2.0/token";
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public String toString() {
        return "AzureKeyVaultSettings["
                + keyId()
                + (keyVersion == null ? "" : "/" + keyVersion)
                + ", tenant "
                + tenantId
                + ", client "
                + clientId
                + "]";
    }
}
