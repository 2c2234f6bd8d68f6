package io.syncline.operators.alert.notify;

import io.syncline.schema.Alert;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * Sends alerts as plain-text {@link EmailMessage}s through an SMTP server. A lost connection or a
 * temporary (4xx) refusal is retryable; a failed login, a bad address or a permanent (5xx) refusal
 * is not.
 */
public final class EmailNotifier implements Notifier {

    /** How long connecting, and each read and write of the SMTP conversation, may take. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final EmailSettings settings;
    private final Session session;
    private final InternetAddress from;
    private final Address[] to;

    /**
     * @throws IllegalArgumentException when the sender or a recipient is not an email address
     */
    public EmailNotifier(EmailSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.session = Session.getInstance(properties(settings, DEFAULT_TIMEOUT));
        this.from = address("email.from", settings.from());
        List<String> recipients = settings.to();
        this.to = new Address[recipients.size()];
        for (int i = 0; i < recipients.size(); i++) {
            to[i] = address("email.to[" + i + "]", recipients.get(i));
        }
    }

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }

    @Override
    public void send(Alert alert) throws NotifierException {
        EmailMessage email = EmailMessage.of(alert);
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(from);
            message.setRecipients(Message.RecipientType.TO, to);
            message.setSubject(email.subject(), StandardCharsets.UTF_8.name());
            message.setText(email.body(), StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(alert.getTime()));
            if (settings.username() == null) {
                Transport.send(message);
            } else {
                Transport.send(message, settings.username(), settings.password());
            }
        } catch (MessagingException e) {
            throw new NotifierException(
                    "email through "
                            + settings.host()
                            + ":"
                            + settings.port()
                            + " failed: "
                            + e.getMessage(),
                    isRetryable(e),
                    e);
        }
    }

    /** Only a refusal that says it is final, or a failed login, is not worth another attempt. */
    static boolean isRetryable(MessagingException failure) {
        for (Exception e = failure; e != null; e = next(e)) {
            if (e instanceof AuthenticationFailedException || e instanceof AddressException) {
                return false;
            }
            int code = returnCode(e);
            if (code >= 500 && code < 600) {
                return false;
            }
        }
        return true;
    }

    private static Exception next(Exception e) {
        if (e instanceof MessagingException messaging && messaging.getNextException() != null) {
            return messaging.getNextException();
        }
        return e.getCause() instanceof Exception cause && cause != e ? cause : null;
    }

    private static int returnCode(Exception e) {
        if (e instanceof SMTPSendFailedException failed) {
            return failed.getReturnCode();
        }
        if (e instanceof SMTPAddressFailedException failed) {
            return failed.getReturnCode();
        }
        if (e instanceof SMTPSenderFailedException failed) {
            return failed.getReturnCode();
        }
        return -1;
    }

    private static Properties properties(EmailSettings settings, Duration timeout) {
        Properties properties = new Properties();
        String millis = Long.toString(timeout.toMillis());
        properties.put("mail.transport.protocol", "smtp");
        properties.put("mail.smtp.host", settings.host());
        properties.put("mail.smtp.port", Integer.toString(settings.port()));
        properties.put("mail.smtp.auth", Boolean.toString(settings.username() != null));
        // Required, not just enabled: a server that does not offer STARTTLS must not get the
        // password in clear text.
        properties.put("mail.smtp.starttls.enable", Boolean.toString(settings.startTls()));
        properties.put("mail.smtp.starttls.required", Boolean.toString(settings.startTls()));
        properties.put("mail.smtp.connectiontimeout", millis);
        properties.put("mail.smtp.timeout", millis);
        properties.put("mail.smtp.writetimeout", millis);
        return properties;
    }

    private static InternetAddress address(String setting, String address) {
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            parsed.validate();
            return parsed;
        } catch (AddressException e) {
            throw new IllegalArgumentException(
                    setting + " is not an email address: " + address + " (" + e.getMessage() + ")",
                    e);
        }
    }
}
