package io.syncline.operators.alert.notify;

import static io.syncline.operators.alert.notify.SampleAlerts.accuracyWarning;
import static io.syncline.operators.alert.notify.SampleAlerts.resolved;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Alert emails through a real (in-process) SMTP server. */
class EmailNotifierTest {

    @RegisterExtension
    static final GreenMailExtension SMTP =
            new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
                    .withConfiguration(
                            GreenMailConfiguration.aConfig().withUser("alerts", "secret"));

    private EmailSettings settings(String username, String password) {
        return new EmailSettings(
                "127.0.0.1",
                SMTP.getSmtp().getPort(),
                false,
                username,
                password,
                "syncline@example.com",
                List.of("ops@example.com", "oncall@example.com"));
    }

    @Test
    void anAlertArrivesWithItsSubjectRecipientsAndBody() throws Exception {
        EmailNotifier email = new EmailNotifier(settings("alerts", "secret"));

        email.send(accuracyWarning());

        MimeMessage[] received = SMTP.getReceivedMessages();
        // One copy per recipient mailbox.
        assertThat(received).hasSize(2);
        MimeMessage message = received[0];
        assertThat(message.getSubject())
                .isEqualTo(
                        "[Syncline WARNING] quality/accuracy/t2/customer: 90.0 % (threshold 99.0 %)");
        assertThat(message.getFrom()).containsExactly(new InternetAddress("syncline@example.com"));
        assertThat(
                        Arrays.stream(message.getRecipients(Message.RecipientType.TO))
                                .map(Object::toString))
                .containsExactly("ops@example.com", "oncall@example.com");
        assertThat(message.getContentType()).isEqualToIgnoringCase("text/plain; charset=UTF-8");
        assertThat(((String) message.getContent()).replace("\r\n", "\n"))
                // The SMTP end-of-data line takes the body's last line break.
                .isEqualTo(EmailMessage.of(accuracyWarning()).body().stripTrailing());
        assertThat(message.getSentDate().toInstant()).isEqualTo(SampleAlerts.FIRED_AT);
    }

    @Test
    void aResolvedAlertArrivesAsResolved() throws Exception {
        EmailNotifier email = new EmailNotifier(settings(null, null));

        email.send(resolved(accuracyWarning(), 0.995, "accuracy is back"));

        assertThat(SMTP.getReceivedMessages())
                .extracting(MimeMessage::getSubject)
                .containsOnly(
                        "[Syncline RESOLVED] quality/accuracy/t2/customer: 99.5 % (threshold 99.0 %)");
    }

    @Test
    void aServerNobodyListensOnIsRetryable() throws Exception {
        EmailNotifier email =
                new EmailNotifier(
                        new EmailSettings(
                                "127.0.0.1",
                                HttpNotifierTest.closedPort(),
                                false,
                                null,
                                null,
                                "syncline@example.com",
                                List.of("ops@example.com")));

        assertThatThrownBy(() -> email.send(accuracyWarning()))
                .isInstanceOfSatisfying(
                        NotifierException.class,
                        failure -> assertThat(failure.retryable()).isTrue())
                .hasMessageStartingWith("email through 127.0.0.1:");
    }

    @Test
    void anAddressThatIsNoneIsRefusedUpFront() {
        assertThatThrownBy(
                        () ->
                                new EmailNotifier(
                                        new EmailSettings(
                                                "127.0.0.1",
                                                25,
                                                false,
                                                null,
                                                null,
                                                "syncline@example.com",
                                                List.of("ops@example.com", "not an address"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("email.to[1] is not an email address: not an address");
    }
}
