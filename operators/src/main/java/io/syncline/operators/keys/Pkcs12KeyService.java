package io.syncline.operators.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A key service over a local PKCS12 keystore file holding one AES-256 key-encryption key (a secret
 * key entry, alias {@value #DEFAULT_ALIAS}), created by {@code syncline keys init}. Data keys are
 * wrapped with AES-256-GCM (JDK crypto). The KEK's version is its check value (a keyed hash of it),
 * so a key wrapped under another keystore's KEK is told apart from a damaged one.
 */
public final class Pkcs12KeyService implements KeyManagementService {

    /** The keystore entry holding the KEK. */
    public static final String DEFAULT_ALIAS = "syncline-kek";

    private static final String KEYSTORE_TYPE = "PKCS12";
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int KEK_BITS = 256;
    private static final String INIT =
            "run syncline keys init -c <your configuration> to create it";

    private final Path file;
    private final String alias;
    private final SecretKey kek;
    private final String kekVersion;
    private final SecureRandom random = new SecureRandom();

    private Pkcs12KeyService(Path file, String alias, SecretKey kek) {
        this.file = file;
        this.alias = alias;
        this.kek = kek;
        this.kekVersion = checkValue(kek);
    }

    /**
     * Creates the keystore {@code file} with a new random KEK under {@code alias}, readable by its
     * owner only, unless the file exists: an existing keystore is never replaced, since the data
     * keys its KEK wrapped could not be unwrapped any more.
     *
     * @return whether it created the file; false if it existed
     * @throws KeyServiceException if the file cannot be written
     */
    public static boolean create(Path file, char[] password, String alias) {
        Objects.requireNonNull(password, "password");
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            return false;
        }
        byte[] keystore;
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(KEK_BITS, new SecureRandom());
            KeyStore store = KeyStore.getInstance(KEYSTORE_TYPE);
            store.load(null, null);
            store.setEntry(
                    alias,
                    new KeyStore.SecretKeyEntry(generator.generateKey()),
                    new KeyStore.PasswordProtection(password));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            store.store(bytes, password);
            keystore = bytes.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("PKCS12 keystores with AES keys are part of JDK 17", e);
        }
        try {
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
            try {
                Files.createFile(
                        absolute,
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the directory's permissions protect it.
                Files.createFile(absolute);
            }
            try (OutputStream out =
                    Files.newOutputStream(absolute, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(keystore);
            }
            return true;
        } catch (FileAlreadyExistsException e) {
            // Created by someone else meanwhile: theirs stays.
            return false;
        } catch (IOException e) {
            throw new KeyServiceException(
                    "cannot write the PKCS12 keystore "
                            + absolute
                            + ": "
                            + e
                            + "; make its directory writable, or set security.keys.keyStore to a"
                            + " writable path",
                    e);
        }
    }

    /**
     * The service over the keystore {@code file}, its KEK read with {@code password}.
     *
     * @throws KeyServiceException naming the file and the fix if it is missing, the password is
     *     wrong, or it holds no AES-256 key under {@code alias}
     */
    public static Pkcs12KeyService open(Path file, char[] password, String alias) {
        Objects.requireNonNull(password, "password");
        Path absolute = file.toAbsolutePath().normalize();
        KeyStore store;
        try (InputStream in = Files.newInputStream(absolute)) {
            store = KeyStore.getInstance(KEYSTORE_TYPE);
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new KeyServiceException(
                    "the PKCS12 keystore "
                            + absolute
                            + " does not exist; "
                            + INIT
                            + ", or set security.keys.keyStore to where it is",
                    e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw wrongPassword(absolute, e);
            }
            throw new KeyServiceException(
                    "the file "
                            + absolute
                            + " is not a readable PKCS12 keystore ("
                            + e.getMessage()
                            + "); set security.keys.keyStore to the keystore syncline keys init"
                            + " created",
                    e);
        } catch (GeneralSecurityException e) {
            throw new KeyServiceException(
                    "cannot read the PKCS12 keystore " + absolute + ": " + e.getMessage(), e);
        }
        Key key;
        try {
            if (!store.containsAlias(alias)) {
                throw new KeyServiceException(
                        "the PKCS12 keystore "
                                + absolute
                                + " holds no key '"
                                + alias
                                + "' (it holds "
                                + (store.size() == 0
                                        ? "no entries"
                                        : String.join(", ", Collections.list(store.aliases())))
                                + "); set security.keys.keyStore to the keystore syncline keys"
                                + " init created");
            }
            key = store.getKey(alias, password);
        } catch (UnrecoverableKeyException e) {
            throw wrongPassword(absolute, e);
        } catch (GeneralSecurityException e) {
            throw new KeyServiceException(
                    "cannot read key '" + alias + "' of the PKCS12 keystore " + absolute, e);
        }
        if (!(key instanceof SecretKey secret)
                || !"AES".equalsIgnoreCase(secret.getAlgorithm())
                || secret.getEncoded() == null
                || secret.getEncoded().length != KEK_BITS / 8) {
            throw new KeyServiceException(
                    "key '"
                            + alias
                            + "' of the PKCS12 keystore "
                            + absolute
                            + " is not an AES-256 secret key; set security.keys.keyStore to the"
                            + " keystore syncline keys init created");
        }
        return new Pkcs12KeyService(absolute, alias, new SecretKeySpec(secret.getEncoded(), "AES"));
    }

    /** The KEK's id, as {@link WrappedKey#kekId()} names it. */
    public String kekId() {
        return "pkcs12/" + alias;
    }

    @Override
    public WrappedKey wrap(byte[] dataKey) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(kekId(), kekVersion));
            byte[] sealed = cipher.doFinal(dataKey);
            return new WrappedKey(
                    kekId(),
                    kekVersion,
                    ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                            .put(nonce)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is part of every JDK 17", e);
        }
    }

    @Override
    public byte[] unwrap(WrappedKey wrapped) {
        if (!wrapped.kekId().equals(kekId()) || !wrapped.kekVersion().equals(kekVersion)) {
            throw new KeyServiceException(
                    "the data key was wrapped by "
                            + wrapped.kek()
                            + ", but "
                            + description()
                            + " holds "
                            + kekId()
                            + " version "
                            + kekVersion
                            + "; set security.keys to the keystore (or key service) the key table"
                            + " was made with");
        }
        byte[] bytes = wrapped.bytes();
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            throw damaged(wrapped, null);
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    kek,
                    new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(wrapped.kekId(), wrapped.kekVersion()));
            return cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw damaged(wrapped, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is part of every JDK 17", e);
        }
    }

    @Override
    public String description() {
        return "the PKCS12 keystore " + file + " (key " + alias + ")";
    }

    @Override
    public void close() {
        // Nothing held open: the keystore was read once.
    }

    private KeyServiceException damaged(WrappedKey wrapped, Throwable cause) {
        return new KeyServiceException(
                "a data key wrapped by "
                        + wrapped.kek()
                        + " fails authentication under "
                        + description()
                        + ": its row in the key table was changed; restore the key table from a"
                        + " backup",
                cause);
    }

    private static KeyServiceException wrongPassword(Path file, Exception cause) {
        return new KeyServiceException(
                "the password of the PKCS12 keystore "
                        + file
                        + " is wrong; set security.keys.password (e.g. the variable"
                        + " SYNCLINE_KEYSTORE_PASSWORD) to the password it was created with",
                cause);
    }

    private static byte[] associatedData(String kekId, String kekVersion) {
        return ("syncline-data-key-v1\u0000" + kekId + "\u0000" + kekVersion)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The first 4 bytes of a keyed hash of a fixed label, hex: names the KEK, reveals nothing. */
    private static String checkValue(SecretKey kek) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(kek.getEncoded(), "HmacSHA256"));
            byte[] check = mac.doFinal("syncline-kek-check-v1".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(check, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK 17", e);
        }
    }
}
