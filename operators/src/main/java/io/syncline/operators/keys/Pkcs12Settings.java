package io.syncline.operators.keys;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A PKCS12 keystore file and its password. On a cluster the file must be at this path on every task
 * manager (e.g. a mounted secret).
 *
 * @param keyStore the keystore's path, absolute
 * @param password its password; never in {@link #toString()}
 * @param alias the entry holding the KEK
 */
public record Pkcs12Settings(String keyStore, String password, String alias)
        implements KeyServiceSettings {

    public Pkcs12Settings {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(alias, "alias");
    }

    /**
     * The keystore at {@code keyStore} with the KEK under {@link Pkcs12KeyService#DEFAULT_ALIAS}.
     */
    public Pkcs12Settings(Path keyStore, String password) {
        this(
                keyStore.toAbsolutePath().normalize().toString(),
                password,
                Pkcs12KeyService.DEFAULT_ALIAS);
    }

    public Path path() {
        return Path.of(keyStore);
    }

    @Override
    public Pkcs12KeyService open() {
        return Pkcs12KeyService.open(path(), password.toCharArray(), alias);
    }

    /**
     * Creates the keystore with a new KEK if the file does not exist.
     *
     * @return whether it created it
     */
    public boolean createIfMissing() {
        return Pkcs12KeyService.create(path(), password.toCharArray(), alias);
    }

    @Override
    public String toString() {
        return "Pkcs12Settings[" + keyStore + ", alias " + alias + "]";
    }
}
