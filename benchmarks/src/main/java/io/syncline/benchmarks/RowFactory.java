package io.syncline.benchmarks;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Makes realistic column values for the workload: names, e-mail addresses, statuses, money, a free
 * text of about 300 characters and a small JSON document, so that a row is about 500 bytes. Text is
 * drawn from pools built once, so the writer spends its time on the database, not on strings.
 */
final class RowFactory {

    private static final String[] WORDS = {
        "shipment",
        "delayed",
        "customer",
        "requested",
        "invoice",
        "priority",
        "warehouse",
        "contract",
        "renewal",
        "discount",
        "approved",
        "pending",
        "review",
        "payment",
        "terms",
        "quarterly",
        "region",
        "support",
        "escalated",
        "resolved",
        "follow-up",
        "account",
        "manager",
        "delivery",
        "address",
        "updated",
        "billing",
        "cycle",
        "credit",
        "note"
    };
    private static final String[] FIRST = {
        "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Linus", "Ken", "Radia"
    };
    private static final String[] LAST = {
        "Lovelace",
        "Hopper",
        "Turing",
        "Dijkstra",
        "Liskov",
        "Knuth",
        "Hamilton",
        "Torvalds",
        "Thompson",
        "Perlman"
    };
    private static final String[] STATUSES = {"new", "active", "pending", "shipped", "closed"};
    private static final String[] CHANNELS = {"web", "mobile", "partner", "phone"};
    private static final String[] REGIONS = {"eu-west", "eu-central", "us-east", "ap-south"};

    private final Random random;
    private final List<String> notes = new ArrayList<>();
    private final List<String> attributes = new ArrayList<>();

    RowFactory(long seed) {
        this.random = new Random(seed);
        for (int i = 0; i < 64; i++) {
            StringBuilder text = new StringBuilder(320);
            while (text.length() < 300) {
                text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            }
            notes.add(text.toString().trim());
            attributes.add(
                    "{\"channel\": \""
                            + CHANNELS[random.nextInt(CHANNELS.length)]
                            + "\", \"priority\": "
                            + random.nextInt(5)
                            + ", \"region\": \""
                            + REGIONS[random.nextInt(REGIONS.length)]
                            + "\", \"tags\": [\"t"
                            + random.nextInt(100)
                            + "\", \"t"
                            + random.nextInt(100)
                            + "\"]}");
        }
    }

    Random random() {
        return random;
    }

    String tenant() {
        return WorkloadSchema.TENANTS.get(random.nextInt(WorkloadSchema.TENANTS.size()));
    }

    String name(long id) {
        return FIRST[(int) (id % FIRST.length)]
                + " "
                + LAST[random.nextInt(LAST.length)]
                + " "
                + id;
    }

    String email(long id) {
        return "user" + id + "@" + REGIONS[random.nextInt(REGIONS.length)] + ".example.com";
    }

    String status() {
        return STATUSES[random.nextInt(STATUSES.length)];
    }

    BigDecimal amount() {
        return BigDecimal.valueOf(random.nextInt(100_000_000), 2);
    }

    int quantity() {
        return 1 + random.nextInt(500);
    }

    String notes() {
        return notes.get(random.nextInt(notes.size()));
    }

    String attributes() {
        return attributes.get(random.nextInt(attributes.size()));
    }

    /**
     * Appends row {@code id} in PostgreSQL's COPY text format, in {@link WorkloadSchema#COLUMNS}
     * order, created and updated at {@code now}.
     */
    void appendCopyLine(StringBuilder copy, long id, LocalDateTime now) {
        copy.append(id)
                .append('\t')
                .append(tenant())
                .append('\t')
                .append(name(id))
                .append('\t')
                .append(email(id))
                .append('\t')
                .append(status())
                .append('\t')
                .append(amount().toPlainString())
                .append('\t')
                .append(quantity())
                .append('\t')
                .append(now)
                .append('\t')
                .append(now)
                .append('\t')
                .append(notes())
                .append('\t')
                .append(attributes())
                .append('\n');
    }
}
