package io.syncline.jobs.cli;

import io.syncline.jobs.config.ConfigLoader;
import io.syncline.jobs.config.KafkaSinkSettings;
import io.syncline.jobs.config.SynclineConfig;
import io.syncline.jobs.control.ControlTopicPublisher;
import io.syncline.jobs.control.SigningKey;
import io.syncline.jobs.erase.Erasure;
import io.syncline.jobs.wiring.SyncJobFactory;
import io.syncline.operators.protect.DataKeys;
import io.syncline.operators.protect.DataKeysFactory;
import io.syncline.schema.ControlCommandType;
import io.syncline.schema.ErasureRequest;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code syncline erase}: the right to erasure (GDPR art. 17, CCPA). Deletes a data subject's rows
 * from every target, writes tombstones for them to the change topic, destroys the subject's key
 * where subjects have keys of their own (so copies in retained topics and backups can no longer be
 * read), and tells the running job to drop every later change of the subject. The subject's id is
 * never written anywhere: the control topic, the audit trail and the key table name it by keyed
 * hash.
 */
@Command(
        name = "erase",
        description =
                "Erase a data subject (GDPR/CCPA right to erasure): delete its rows from every"
                        + " target, write tombstones to the change topic, destroy its key"
                        + " (crypto-shredding) and make the running job drop its later changes.",
        sortOptions = false)
public final class EraseCommand implements Callable<Integer> {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Option(
            names = {"-c", "--config"},
            required = true,
            description = "The YAML configuration file of the job.")
    Path config;

    @Option(names = "--tenant", required = true, description = "The subject's tenant.")
    String tenant;

    @Option(
            names = "--subject",
            required = true,
            description =
                    "The subject's id, as the entity types' subject field holds it"
                            + " (security.entities.<type>.subject).")
    String subject;

    @Option(
            names = "--settle",
            defaultValue = "5s",
            paramLabel = "<duration>",
            converter = DurationConverter.class,
            description =
                    "How long to give the job to apply the erasure before the rows are erased a"
                            + " second time, for changes that were in flight (default:"
                            + " ${DEFAULT-VALUE}).")
    Duration settle;

    @Mixin SigningOptions signing;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SynclineConfig loaded = ConfigLoader.load(config);
        Erasure erasure = new Erasure(loaded);
        if (erasure.subjectFields().isEmpty()) {
            err.println(
                    "no entity type names a data subject, so there is nothing to erase by"
                            + " subject; set security.entities.<type>.subject to the field that"
                            + " holds the subject's id (e.g. subject: id for customers,"
                            + " subject: customer_id for their contracts)");
            return SynclineCli.BAD_ARGUMENT;
        }
        // Checked before anything is erased: a job that requires signatures would refuse it.
        SigningKey signingKey = signing.key(loaded, ControlCommandType.ERASE);
        DataKeysFactory keysFactory = SyncJobFactory.dataKeysOf(loaded);
        if (keysFactory == null) {
            err.println(
                    "erasure needs security.keys: the subject is named by a keyed hash in the"
                            + " job and the audit trail, never by its id; configure security.keys"
                            + " and run 'syncline keys init'");
            return SynclineCli.BAD_ARGUMENT;
        }
        try (DataKeys keys = keysFactory.open()) {
            String subjectHash = keys.subjectHash(tenant, subject);
            boolean keyDestroyed = keys.destroySubjectKey(tenant, subjectHash);
            List<Erasure.ErasedTable> first = erasure.eraseRows(tenant, subject);
            List<String> entityKeys = new ArrayList<>();
            first.forEach(table -> entityKeys.addAll(table.entityKeys()));
            String commandId;
            try (ControlTopicPublisher publisher =
                    new ControlTopicPublisher(
                            loaded.sinks().kafka(), Clock.systemUTC(), signingKey)) {
                commandId =
                        publisher.publishErasure(
                                new ErasureRequest(tenant, subjectHash, List.copyOf(entityKeys)),
                                "syncline erase by " + SigningOptions.issuer(signingKey));
                publisher.flush();
            }
            Thread.sleep(settle.toMillis());
            // Changes of the subject that were in flight when the rows were erased, of entities
            // the targets did not hold yet, may have landed before the job applied the erasure.
            List<Erasure.ErasedTable> second = erasure.eraseRows(tenant, subject);
            List<String> late = new ArrayList<>();
            second.forEach(table -> late.addAll(table.entityKeys()));
            entityKeys.addAll(late);
            int tombstones = writeTombstones(loaded.sinks().kafka(), entityKeys);
            out.printf("erased subject %s of tenant %s (%s)%n", subjectHash, tenant, commandId);
            for (Erasure.ErasedTable table : first) {
                out.printf(
                        "  %-28s %,d %s%n",
                        table.table(),
                        table.entityKeys().size(),
                        table.entityKeys().size() == 1 ? "row" : "rows");
            }
            if (!late.isEmpty()) {
                out.printf(
                        "  %,d more rows written while the job applied the erasure%n", late.size());
            }
            out.printf(
                    "  %,d tombstones written to %s%n",
                    tombstones, loaded.sinks().kafka().changeTopic());
            out.printf(
                    "  subject key: %s%n",
                    keyDestroyed
                            ? "destroyed (copies in retained topics and backups can no longer be"
                                    + " read)"
                            : "none (the entity types encrypt under the tenant's key)");
            out.println(
                    "  the sync job drops every later change of the subject (replays, backfills,"
                            + " late changes)");
            return 0;
        }
    }

    /** A tombstone (null value) per erased entity, keyed like the change topic's records. */
    private static int writeTombstones(KafkaSinkSettings kafka, List<String> entityKeys) {
        Properties properties = new Properties();
        properties.putAll(kafka.properties());
        properties.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        properties.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.remove("transactional.id");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (String key : entityKeys) {
                sent.add(
                        producer.send(
                                new ProducerRecord<>(
                                        kafka.changeTopic(),
                                        key.getBytes(StandardCharsets.UTF_8),
                                        null)));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
            return sent.size();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "the rows are erased, but the tombstones could not be written to "
                            + kafka.changeTopic()
                            + " at "
                            + kafka.bootstrapServers()
                            + ": "
                            + e.getMessage()
                            + "; run the same erase again (it is idempotent)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing tombstones", e);
        }
    }
}
