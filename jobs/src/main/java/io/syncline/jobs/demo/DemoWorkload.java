package io.syncline.jobs.demo;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a realistic mix of changes into the demo's source tables: inserts, updates and deletes of
 * customers and contracts for several tenants, emails the validation rules standardize, plus a few
 * rows the pipeline must reject: the decoder (no tenant, or a tenant that is not configured) and
 * validation (a malformed email, an unknown tier, a negative amount, a contract of a customer that
 * does not exist). Rejected rows have ids from {@link #INVALID_IDS} on and are never changed again.
 *
 * <p>The second source, the ERP, has a few customers of its own from the start. Once {@link
 * #startSecondSource()} is called it also writes, at the same moment as the CRM, to customers the
 * CRM has (a copy of the customer the first time, updates after that) and opens the same accounts
 * as the CRM with a different credit limit. It writes only valid rows, and never deletes.
 */
public final class DemoWorkload implements AutoCloseable {

    /** Rows the pipeline must reject have ids from here on. */
    public static final long INVALID_IDS = 1_000_000_000L;

    /** Customers per tenant only the second source has. */
    private static final int SECOND_SOURCE_CUSTOMERS = 2;

    private static final String[] TIERS = {"bronze", "silver", "gold", "platinum"};
    private static final String[] PRODUCTS = {"hosting", "support", "analytics", "storage"};
    private static final String[] STATUSES = {"draft", "active", "suspended", "ended"};

    /** A write to one source. */
    @FunctionalInterface
    private interface Write {
        void run() throws SQLException;
    }

    private final Connection connection;
    private final Connection secondSource;
    private final ExecutorService secondSourceWriter;
    private final Random random;
    private final Map<String, List<Long>> customersByTenant = new HashMap<>();
    private final List<Long> contracts = new ArrayList<>();
    private final Set<Long> customersInSecondSource = new HashSet<>();
    private final Map<String, List<Long>> seededCustomers = new HashMap<>();
    private long nextId = 1;
    private long nextInvalidId = INVALID_IDS;
    private volatile boolean secondSourceStarted;

    private final AtomicLong inserts = new AtomicLong();
    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();
    private final AtomicLong rejects = new AtomicLong();
    private final AtomicLong writesToSecondSource = new AtomicLong();

    /**
     * @param connection an auto-committing connection to the source database
     * @param secondSource an auto-committing connection to the second source database
     */
    public DemoWorkload(Connection connection, Connection secondSource, long seed) {
        this.connection = connection;
        this.secondSource = secondSource;
        this.random = new Random(seed);
        this.secondSourceWriter =
                Executors.newSingleThreadExecutor(
                        task -> {
                            Thread thread = new Thread(task, "syncline-demo-second-source");
                            thread.setDaemon(true);
                            return thread;
                        });
        DemoDatabase.TENANTS.forEach(tenant -> customersByTenant.put(tenant, new ArrayList<>()));
    }

    /**
     * Inserts {@code customersPerTenant} customers with one contract each, for every tenant, and
     * {@value #SECOND_SOURCE_CUSTOMERS} customers per tenant that only the second source has.
     */
    public void seed(int customersPerTenant) throws SQLException {
        List<Long> seeded = new ArrayList<>();
        for (String tenant : DemoDatabase.TENANTS) {
            for (int i = 0; i < customersPerTenant; i++) {
                seeded.add(insertCustomer(tenant));
                insertContract(tenant);
            }
        }
        seededCustomers.put(DemoDatabase.SOURCE, List.copyOf(seeded));
        List<Long> secondSourceOnly = new ArrayList<>();
        for (String tenant : DemoDatabase.TENANTS) {
            for (int i = 0; i < SECOND_SOURCE_CUSTOMERS; i++) {
                long id = nextId++;
                customerVersion(id, tenant, cleanEmail(id)).insertInto(secondSource);
                inserts.incrementAndGet();
                writesToSecondSource.incrementAndGet();
                secondSourceOnly.add(id);
            }
        }
        seededCustomers.put(DemoDatabase.SECOND_SOURCE, List.copyOf(secondSourceOnly));
    }

    /** The ids of the customers {@link #seed} inserted into {@code source}. */
    public List<Long> seededCustomers(String source) {
        return seededCustomers.getOrDefault(source, List.of());
    }

    /**
     * From now on the second source writes conflicting changes too. The demo calls it once both
     * sources' snapshots are in the target: a snapshot read carries the snapshot's start as its
     * commit time, so a conflict with a row still being snapshotted would be decided by that time
     * instead of the one PostgreSQL recorded.
     */
    public void startSecondSource() {
        secondSourceStarted = true;
    }

    /** Whether {@link #startSecondSource()} was called. */
    public boolean secondSourceStarted() {
        return secondSourceStarted;
    }

    /** Writes one change, chosen at random (two changes at once when both sources write). */
    public void step() throws SQLException {
        int dice = random.nextInt(100);
        String tenant = DemoDatabase.TENANTS.get(random.nextInt(DemoDatabase.TENANTS.size()));
        if (dice < 2) {
            insertRejectedCustomer();
        } else if (dice < 5) {
            insertInvalidChange(tenant);
        } else if (dice < 25) {
            insertCustomer(tenant);
        } else if (dice < 45) {
            insertContract(tenant);
        } else if (dice < 62 || (dice < 70 && !secondSourceStarted)) {
            updateCustomer(tenant);
        } else if (dice < 66) {
            updateCustomerInBoth(tenant);
        } else if (dice < 70) {
            openAccountInBoth(tenant);
        } else if (dice < 90) {
            updateContract();
        } else {
            deleteContract();
        }
    }

    public long inserts() {
        return inserts.get();
    }

    public long updates() {
        return updates.get();
    }

    public long deletes() {
        return deletes.get();
    }

    /** Rows written that the pipeline must send to the error topic. */
    public long rejects() {
        return rejects.get();
    }

    /** Changes written to the second source (counted in the inserts and updates as well). */
    public long secondSourceWrites() {
        return writesToSecondSource.get();
    }

    @Override
    public void close() {
        secondSourceWriter.shutdownNow();
    }

    private long insertCustomer(String tenant) throws SQLException {
        long id = nextId++;
        writeCustomer(id, tenant);
        customersByTenant.get(tenant).add(id);
        inserts.incrementAndGet();
        return id;
    }

    private void insertRejectedCustomer() throws SQLException {
        // Half without a tenant, half with a tenant that is not configured.
        writeCustomer(nextInvalidId++, random.nextBoolean() ? null : "umbrella");
        rejects.incrementAndGet();
    }

    /** A row that decodes but breaks the demo's validation rules, in one of four ways. */
    private void insertInvalidChange(String tenant) throws SQLException {
        long id = nextInvalidId++;
        List<Long> customers = customersByTenant.get(tenant);
        switch (random.nextInt(4)) {
            case 0 -> writeCustomer(id, tenant, "customer" + id + "(at)example.com", "gold");
            case 1 -> writeCustomer(id, tenant, "customer" + id + "@example.com", "diamond");
            case 2 ->
                    writeContract(
                            id,
                            tenant,
                            customers.isEmpty() ? id : customers.get(0),
                            money().add(BigDecimal.ONE).negate());
            default -> writeContract(id, tenant, id + 1_000_000L, money());
        }
        rejects.incrementAndGet();
    }

    private void writeCustomer(long id, String tenant) throws SQLException {
        // Some sources write messy emails; the rules standardize them.
        writeCustomer(
                id,
                tenant,
                random.nextInt(10) == 0 ? " Customer" + id + "@Example.COM " : cleanEmail(id),
                TIERS[random.nextInt(TIERS.length)]);
    }

    private void writeCustomer(long id, String tenant, String email, String tier)
            throws SQLException {
        new CustomerVersion(id, tenant, email, tier, money(), LocalDateTime.now().withNano(0))
                .insertInto(connection);
    }

    private static String cleanEmail(long id) {
        return "customer" + id + "@example.com";
    }

    /** A new version of a customer, as one source writes it. */
    private CustomerVersion customerVersion(long id, String tenant, String email) {
        return new CustomerVersion(
                id,
                tenant,
                email,
                TIERS[random.nextInt(TIERS.length)],
                money(),
                LocalDateTime.now().withNano(0));
    }

    /** One source's values of a customer row; an update changes tier, balance and updated_at. */
    private record CustomerVersion(
            long id,
            String tenant,
            String email,
            String tier,
            BigDecimal balance,
            LocalDateTime updatedAt) {

        void insertInto(Connection source) throws SQLException {
            try (PreparedStatement insert =
                    source.prepareStatement(
                            "INSERT INTO customers (id, tenant_id, name, email, tier, balance,"
                                    + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setLong(1, id);
                insert.setString(2, tenant);
                insert.setString(3, "Customer " + id);
                insert.setString(4, email);
                insert.setString(5, tier);
                insert.setBigDecimal(6, balance);
                insert.setObject(7, updatedAt);
                insert.executeUpdate();
            }
        }

        void updateIn(Connection source) throws SQLException {
            try (PreparedStatement update =
                    source.prepareStatement(
                            "UPDATE customers SET tier = ?, balance = ?, updated_at = ? WHERE id"
                                    + " = ?")) {
                update.setString(1, tier);
                update.setBigDecimal(2, balance);
                update.setObject(3, updatedAt);
                update.setLong(4, id);
                update.executeUpdate();
            }
        }
    }

    private void insertContract(String tenant) throws SQLException {
        List<Long> customers = customersByTenant.get(tenant);
        if (customers.isEmpty()) {
            insertCustomer(tenant);
        }
        long id = nextId++;
        writeContract(id, tenant, customers.get(random.nextInt(customers.size())), money());
        contracts.add(id);
        inserts.incrementAndGet();
    }

    private void writeContract(long id, String tenant, long customer, BigDecimal amount)
            throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement(
                        "INSERT INTO contracts (id, tenant_id, customer_id, product, amount,"
                                + " starts_on, status, attributes) VALUES (?, ?, ?, ?, ?, ?, ?,"
                                + " CAST(? AS jsonb))")) {
            insert.setLong(1, id);
            insert.setString(2, tenant);
            insert.setLong(3, customer);
            insert.setString(4, PRODUCTS[random.nextInt(PRODUCTS.length)]);
            insert.setBigDecimal(5, amount);
            insert.setObject(6, LocalDate.of(2026, 1, 1).plusDays(random.nextInt(365)));
            insert.setString(7, STATUSES[0]);
            insert.setString(8, "{\"seats\": " + (1 + random.nextInt(50)) + "}");
            insert.executeUpdate();
        }
    }

    private void updateCustomer(String tenant) throws SQLException {
        List<Long> customers = customersByTenant.get(tenant);
        if (customers.isEmpty()) {
            return;
        }
        long id = customers.get(random.nextInt(customers.size()));
        customerVersion(id, tenant, null).updateIn(connection);
        updates.incrementAndGet();
    }

    /**
     * Both sources change the same customer at the same moment. The second source copies a customer
     * it does not have yet (with its own tier and balance), and updates its copy after that.
     */
    private void updateCustomerInBoth(String tenant) throws SQLException {
        List<Long> customers = customersByTenant.get(tenant);
        if (customers.isEmpty()) {
            return;
        }
        long id = customers.get(random.nextInt(customers.size()));
        CustomerVersion inFirst = customerVersion(id, tenant, null);
        CustomerVersion inSecond = customerVersion(id, tenant, cleanEmail(id));
        boolean copy = !customersInSecondSource.contains(id);
        inBothAtOnce(
                () -> inFirst.updateIn(connection),
                copy
                        ? () -> inSecond.insertInto(secondSource)
                        : () -> inSecond.updateIn(secondSource));
        customersInSecondSource.add(id);
        updates.incrementAndGet();
        (copy ? inserts : updates).incrementAndGet();
    }

    /**
     * Both sources open the same account of a customer at the same moment, each with its own credit
     * limit; the limits always differ, so the higher one is the account's.
     */
    private void openAccountInBoth(String tenant) throws SQLException {
        List<Long> customers = customersByTenant.get(tenant);
        if (customers.isEmpty()) {
            return;
        }
        long id = nextId++;
        long customer = customers.get(random.nextInt(customers.size()));
        LocalDate openedOn = LocalDate.of(2026, 1, 1).plusDays(random.nextInt(365));
        BigDecimal inFirst = creditLimit();
        BigDecimal inSecond = creditLimit();
        while (inSecond.compareTo(inFirst) == 0) {
            inSecond = creditLimit();
        }
        BigDecimal secondLimit = inSecond;
        inBothAtOnce(
                () -> writeAccount(connection, id, tenant, customer, inFirst, openedOn),
                () -> writeAccount(secondSource, id, tenant, customer, secondLimit, openedOn));
        inserts.addAndGet(2);
    }

    private static void writeAccount(
            Connection source,
            long id,
            String tenant,
            long customer,
            BigDecimal creditLimit,
            LocalDate openedOn)
            throws SQLException {
        try (PreparedStatement insert =
                source.prepareStatement(
                        "INSERT INTO accounts (id, tenant_id, customer_id, credit_limit,"
                                + " opened_on) VALUES (?, ?, ?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, tenant);
            insert.setLong(3, customer);
            insert.setBigDecimal(4, creditLimit);
            insert.setObject(5, openedOn);
            insert.executeUpdate();
        }
    }

    /**
     * Runs {@code inFirst} here and {@code inSecond} on the second source's thread at the same
     * time, so the two commits are concurrent (sometimes in the same millisecond).
     */
    private void inBothAtOnce(Write inFirst, Write inSecond) throws SQLException {
        Future<?> second =
                secondSourceWriter.submit(
                        () -> {
                            inSecond.run();
                            return null;
                        });
        try {
            inFirst.run();
        } finally {
            awaitSecondSource(second);
        }
    }

    private void awaitSecondSource(Future<?> write) throws SQLException {
        try {
            write.get();
            writesToSecondSource.incrementAndGet();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException failure) {
                throw failure;
            }
            throw new IllegalStateException("writing to the second source failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while writing to the second source", e);
        }
    }

    private void updateContract() throws SQLException {
        if (contracts.isEmpty()) {
            return;
        }
        long contract = contracts.get(random.nextInt(contracts.size()));
        try (PreparedStatement update =
                connection.prepareStatement(
                        "UPDATE contracts SET status = ?, amount = ? WHERE id = ?")) {
            update.setString(1, STATUSES[1 + random.nextInt(STATUSES.length - 1)]);
            update.setBigDecimal(2, money());
            update.setLong(3, contract);
            update.executeUpdate();
        }
        updates.incrementAndGet();
    }

    private void deleteContract() throws SQLException {
        if (contracts.isEmpty()) {
            return;
        }
        long contract = contracts.remove(random.nextInt(contracts.size()));
        try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM contracts WHERE id = ?")) {
            delete.setLong(1, contract);
            delete.executeUpdate();
        }
        deletes.incrementAndGet();
    }

    /** An amount within the demo's rules (0 to 100000). */
    private BigDecimal money() {
        return BigDecimal.valueOf(random.nextInt(10_000_000), 2);
    }

    /** A credit limit within the demo's rules: 500 to 100000, in steps of 500. */
    private BigDecimal creditLimit() {
        return BigDecimal.valueOf(500L * (1 + random.nextInt(200)));
    }
}
