package io.syncline.operators.alert.notify;

import io.syncline.operators.retry.RetryPolicy;
import java.io.Serializable;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the {@link NotifierSink} needs: the channels (null = not configured), which severity
 * goes where, retries, and the limits that keep a storm of alerts from flooding people or the job.
 * Start from {@link #defaults()} and add channels with the {@code with…} methods.
 *
 * @param slack Slack webhook, or null
 * @param pagerDuty PagerDuty service, or null
 * @param email SMTP server and recipients, or null
 * @param sms SMS gateway and numbers, or null
 * @param routing which channels each severity goes to
 * @param retry retries of notifications that failed for a passing reason
 * @param ratePerMinute notifications per minute and channel; more are dropped (they stay on the
 *     alerts topic)
 * @param queueCapacity notifications waiting per channel; more are dropped
 */
public record NotifierSettings(
        SlackSettings slack,
        PagerDutySettings pagerDuty,
        EmailSettings email,
        SmsSettings sms,
        NotifierRouting routing,
        RetryPolicy retry,
        int ratePerMinute,
        int queueCapacity)
        implements Serializable {

    public static final int DEFAULT_RATE_PER_MINUTE = 20;
    public static final int DEFAULT_QUEUE_CAPACITY = 1000;

    public NotifierSettings {
        Objects.requireNonNull(routing, "notifiers.routing");
        Objects.requireNonNull(retry, "notifiers.retry");
        if (ratePerMinute < 1) {
            throw new IllegalArgumentException(
                    "notifiers.ratePerMinute must be at least 1: " + ratePerMinute);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException(
                    "notifiers.queueCapacity must be at least 1: " + queueCapacity);
        }
    }

    /** No channel configured; the default routing, retries and limits. */
    public static NotifierSettings defaults() {
        return new NotifierSettings(
                null,
                null,
                null,
                null,
                NotifierRouting.defaults(),
                RetryPolicy.defaults(),
                DEFAULT_RATE_PER_MINUTE,
                DEFAULT_QUEUE_CAPACITY);
    }

    /** The channels that have settings. */
    public Set<Channel> configured() {
        Set<Channel> channels = EnumSet.noneOf(Channel.class);
        if (slack != null) {
            channels.add(Channel.SLACK);
        }
        if (pagerDuty != null) {
            channels.add(Channel.PAGERDUTY);
        }
        if (email != null) {
            channels.add(Channel.EMAIL);
        }
        if (sms != null) {
            channels.add(Channel.SMS);
        }
        return channels;
    }

    public NotifierSettings withSlack(SlackSettings settings) {
        return new NotifierSettings(
                settings, pagerDuty, email, sms, routing, retry, ratePerMinute, queueCapacity);
    }

    public NotifierSettings withPagerDuty(PagerDutySettings settings) {
        return new NotifierSettings(
                slack, settings, email, sms, routing, retry, ratePerMinute, queueCapacity);
    }

    public NotifierSettings withEmail(EmailSettings settings) {
        return new NotifierSettings(
                slack, pagerDuty, settings, sms, routing, retry, ratePerMinute, queueCapacity);
    }

    public NotifierSettings withSms(SmsSettings settings) {
        return new NotifierSettings(
                slack, pagerDuty, email, settings, routing, retry, ratePerMinute, queueCapacity);
    }

    public NotifierSettings withRouting(NotifierRouting newRouting) {
        return new NotifierSettings(
                slack, pagerDuty, email, sms, newRouting, retry, ratePerMinute, queueCapacity);
    }

    public NotifierSettings withRetry(RetryPolicy newRetry) {
        return new NotifierSettings(
                slack, pagerDuty, email, sms, routing, newRetry, ratePerMinute, queueCapacity);
    }

    public NotifierSettings withRatePerMinute(int rate) {
        return new NotifierSettings(
                slack, pagerDuty, email, sms, routing, retry, rate, queueCapacity);
    }

    public NotifierSettings withQueueCapacity(int capacity) {
        return new NotifierSettings(
                slack, pagerDuty, email, sms, routing, retry, ratePerMinute, capacity);
    }
}
