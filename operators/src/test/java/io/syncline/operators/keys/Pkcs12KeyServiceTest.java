package io.syncline.operators.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Pkcs12KeyService} over keystore files it creates in a temporary directory. */
class Pkcs12KeyServiceTest {

    private static final char[] PASSWORD = "correct horse battery staple".toCharArray();
    private static final String ALIAS = Pkcs12KeyService.DEFAULT_ALIAS;

    @TempDir Path directory;

    @Test
    void createsAKeystoreOnlyItsOwnerCanReadWhoseKeyWrapsAndUnwraps() throws IOException {
        Path file = directory.resolve("keys/syncline-keys.p12");

        assertThat(Pkcs12KeyService.create(file, PASSWORD, ALIAS)).isTrue();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        Pkcs12KeyService service = Pkcs12KeyService.open(file, PASSWORD, ALIAS);
        byte[] dataKey = dataKey();
        WrappedKey wrapped = service.wrap(dataKey);
        assertThat(wrapped.kekId()).isEqualTo("pkcs12/syncline-kek");
        assertThat(wrapped.kekVersion()).matches("[0-9a-f]{8}");
        // Nonce, the 32 key bytes, tag.
        assertThat(wrapped.bytes()).hasSize(12 + 32 + 16);
        assertThat(service.unwrap(wrapped)).isEqualTo(dataKey);
        // A keystore opened again is the same KEK.
        assertThat(Pkcs12KeyService.open(file, PASSWORD, ALIAS).unwrap(wrapped)).isEqualTo(dataKey);
    }

    @Test
    void anExistingKeystoreIsNeverReplaced() throws IOException {
        Path file = directory.resolve("syncline-keys.p12");
        Pkcs12KeyService.create(file, PASSWORD, ALIAS);
        byte[] before = Files.readAllBytes(file);

        assertThat(Pkcs12KeyService.create(file, PASSWORD, ALIAS)).isFalse();
        assertThat(Pkcs12KeyService.create(file, "other".toCharArray(), ALIAS)).isFalse();

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aKeyWrappedByAnotherKeystoresKekIsRefusedNamingBothVersions() {
        Path first = directory.resolve("first.p12");
        Path second = directory.resolve("second.p12");
        Pkcs12KeyService.create(first, PASSWORD, ALIAS);
        Pkcs12KeyService.create(second, PASSWORD, ALIAS);
        Pkcs12KeyService other = Pkcs12KeyService.open(second, PASSWORD, ALIAS);
        WrappedKey wrapped = Pkcs12KeyService.open(first, PASSWORD, ALIAS).wrap(dataKey());
        String otherVersion = other.wrap(dataKey()).kekVersion();

        assertThatThrownBy(() -> other.unwrap(wrapped))
                .isInstanceOf(KeyServiceException.class)
                .hasMessage(
                        "the data key was wrapped by pkcs12/syncline-kek version "
                                + wrapped.kekVersion()
                                + ", but the PKCS12 keystore "
                                + second
                                + " (key syncline-kek) holds pkcs12/syncline-kek version "
                                + otherVersion
                                + "; set security.keys to the keystore (or key service) the key"
                                + " table was made with");
    }

    @Test
    void aChangedWrappedKeyFailsAuthentication() {
        Path file = directory.resolve("syncline-keys.p12");
        Pkcs12KeyService.create(file, PASSWORD, ALIAS);
        Pkcs12KeyService service = Pkcs12KeyService.open(file, PASSWORD, ALIAS);
        WrappedKey wrapped = service.wrap(dataKey());
        byte[] changed = wrapped.bytes();
        changed[20] ^= 1;

        assertThatThrownBy(
                        () ->
                                service.unwrap(
                                        new WrappedKey(
                                                wrapped.kekId(), wrapped.kekVersion(), changed)))
                .isInstanceOf(KeyServiceException.class)
                .hasMessageContaining("fails authentication under the PKCS12 keystore " + file)
                .hasMessageEndingWith(
                        ": its row in the key table was changed; restore the key table from a"
                                + " backup");
    }

    @Test
    void aWrongPasswordNamesTheFileAndTheSetting() {
        Path file = directory.resolve("syncline-keys.p12");
        Pkcs12KeyService.create(file, PASSWORD, ALIAS);

        assertThatThrownBy(() -> Pkcs12KeyService.open(file, "wrong".toCharArray(), ALIAS))
                .isInstanceOf(KeyServiceException.class)
                .hasMessage(
                        "the password of the PKCS12 keystore "
                                + file
                                + " is wrong; set security.keys.password (e.g. the variable"
                                + " SYNCLINE_KEYSTORE_PASSWORD) to the password it was created"
                                + " with");
    }

    @Test
    void aMissingKeystoreSaysToRunKeysInit() {
        Path file = directory.resolve("missing.p12");

        assertThatThrownBy(() -> Pkcs12KeyService.open(file, PASSWORD, ALIAS))
                .isInstanceOf(KeyServiceException.class)
                .hasMessage(
                        "the PKCS12 keystore "
                                + file
                                + " does not exist; run syncline keys init -c <your"
                                + " configuration> to create it, or set security.keys.keyStore"
                                + " to where it is");
    }

    @Test
    void aKeystoreWithoutTheAliasNamesWhatItHolds() {
        Path file = directory.resolve("syncline-keys.p12");
        Pkcs12KeyService.create(file, PASSWORD, "some-other-key");

        assertThatThrownBy(() -> Pkcs12KeyService.open(file, PASSWORD, ALIAS))
                .isInstanceOf(KeyServiceException.class)
                .hasMessage(
                        "the PKCS12 keystore "
                                + file
                                + " holds no key 'syncline-kek' (it holds some-other-key); set"
                                + " security.keys.keyStore to the keystore syncline keys init"
                                + " created");
    }

    @Test
    void aFileThatIsNoKeystoreIsReported() throws IOException {
        Path file = directory.resolve("notes.p12");
        Files.writeString(file, "not a keystore");

        assertThatThrownBy(() -> Pkcs12KeyService.open(file, PASSWORD, ALIAS))
                .isInstanceOf(KeyServiceException.class)
                .hasMessageStartingWith("the file " + file + " is not a readable PKCS12 keystore (")
                .hasMessageEndingWith(
                        "); set security.keys.keyStore to the keystore syncline keys init"
                                + " created");
    }

    private static byte[] dataKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
