package io.syncline.jobs.demo;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a realistic mix of changes into the demo's source tables: inserts, updates and deletes of
 * customers and contracts for several tenants, emails the validation rules standardize, plus a few
 * rows the pipeline must reject: the decoder (no tenant, or a tenant that is not configured) and
 * validation (a malformed email, an unknown tier, a negative amount, a contract of a customer that
 * does not exist). Rejected rows have ids from {@link #INVALID_IDS} on and are never changed again.
 */
public final class DemoWorkload {

    /** Rows the pipeline must reject have ids from here on. */
    public static final long INVALID_IDS = 1_000_000_000L;

    private static final String[] TIERS = {"bronze", "silver", "gold", "platinum"};
    private static final String[] PRODUCTS = {"hosting", "support", "analytics", "storage"};
    private static final String[] STATUSES = {"draft", "active", "suspended", "ended"};

    private final Connection connection;
    private final Random random;
    private final Map<String, List<Long>> customersByTenant = new HashMap<>();
    private final List<Long> contracts = new ArrayList<>();
    private long nextId = 1;
    private long nextInvalidId = INVALID_IDS;

    private final AtomicLong inserts = new AtomicLong();
    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();
    private final AtomicLong rejects = new AtomicLong();

    /**
     * @param connection an auto-committing connection to the source database
     */
    public DemoWorkload(Connection connection, long seed) {
        this.connection = connection;
        this.random = new Random(seed);
        DemoDatabase.TENANTS.forEach(tenant -> customersByTenant.put(tenant, new ArrayList<>()));
    }

    /** Inserts {@code customersPerTenant} customers with one contract each, for every tenant. */
    public void seed(int customersPerTenant) throws SQLException {
        for (String tenant : DemoDatabase.TENANTS) {
            for (int i = 0; i < customersPerTenant; i++) {
                insertCustomer(tenant);
                insertContract(tenant);
            }
        }
    }

    /** Writes one change, chosen at random. */
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
        } else if (dice < 70) {
            updateCustomer(tenant);
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

    private void insertCustomer(String tenant) throws SQLException {
        long id = nextId++;
        writeCustomer(id, tenant);
        customersByTenant.get(tenant).add(id);
        inserts.incrementAndGet();
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
        String email = "customer" + id + "@example.com";
        // Some sources write messy emails; the rules standardize them.
        writeCustomer(
                id,
                tenant,
                random.nextInt(10) == 0 ? " Customer" + id + "@Example.COM " : email,
                TIERS[random.nextInt(TIERS.length)]);
    }

    private void writeCustomer(long id, String tenant, String email, String tier)
            throws SQLException {
        try (PreparedStatement insert =
                connection.prepareStatement(
                        "INSERT INTO customers (id, tenant_id, name, email, tier, balance,"
                                + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setString(2, tenant);
            insert.setString(3, "Customer " + id);
            insert.setString(4, email);
            insert.setString(5, tier);
            insert.setBigDecimal(6, money());
            insert.setObject(7, LocalDateTime.now().withNano(0));
            insert.executeUpdate();
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
        try (PreparedStatement update =
                connection.prepareStatement(
                        "UPDATE customers SET tier = ?, balance = ?, updated_at = ? WHERE id"
                                + " = ?")) {
            update.setString(1, TIERS[random.nextInt(TIERS.length)]);
            update.setBigDecimal(2, money());
            update.setObject(3, LocalDateTime.now().withNano(0));
            update.setLong(4, customers.get(random.nextInt(customers.size())));
            update.executeUpdate();
        }
        updates.incrementAndGet();
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
}
