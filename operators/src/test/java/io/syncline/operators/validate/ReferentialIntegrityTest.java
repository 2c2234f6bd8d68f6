package io.syncline.operators.validate;

import static io.syncline.operators.validate.Changes.create;
import static io.syncline.operators.validate.Changes.delete;
import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.nullOf;
import static io.syncline.operators.validate.Changes.ruleSet;
import static io.syncline.operators.validate.Changes.text;
import static io.syncline.operators.validate.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.schema.ChangeEvent;
import io.syncline.schema.FieldKind;
import io.syncline.schema.WaitingChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferentialIntegrityTest {

    private static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private final InMemoryState state = new InMemoryState();
    private final RecordingOutput out = new RecordingOutput();
    private ReferentialIntegrity integrity = new ReferentialIntegrity(MAX_WAIT, 3);
    private RuleSet rules = rules("flag");

    /** Contracts refer to customers (with the given delete policy), lines to contracts. */
    private static RuleSet rules(String onCustomerDelete) {
        return ruleSet(
                """
                version: 1
                entities:
                  customer: {}
                  contract:
                    references:
                      - {field: customer_id, entity: customer, onParentDelete: %s}
                  line:
                    references:
                      - {field: contract_id, entity: contract}
                """
                        .formatted(onCustomerDelete));
    }

    private static ChangeEvent customer(String id) {
        return create("customer", id, image("id", text(id)));
    }

    private static ChangeEvent contract(String id, String customerId) {
        return create("contract", id, image("id", text(id), "customer_id", text(customerId)));
    }

    private static ChangeEvent contractUpdate(String id, long version, String customerId) {
        return update(
                "contract", id, version, image("id", text(id), "customer_id", text(customerId)));
    }

    private static ChangeEvent line(String id, String contractId) {
        return create("line", id, image("id", text(id), "contract_id", text(contractId)));
    }

    private void process(ChangeEvent change, long now) {
        integrity.process(change, rules, now, state, out);
    }

    private static Violation missingParent(String customerId, String description) {
        return new Violation(
                "customer_id", ValidationCodes.RI_MISSING_PARENT, description, customerId);
    }

    @Test
    void aChildWhoseParentExistsIsAccepted() {
        process(customer("1"), 1_000);
        process(contract("c1", "1"), 2_000);

        assertThat(out.verdicts).containsExactly("accept customer/1 v1", "accept contract/c1 v1");
        assertThat(out.deadlines).isEmpty();
        assertThat(state.childCount("customer/1")).isEqualTo(1);
        assertThat(state.parentsOf("contract/c1")).containsExactly("customer/1");
    }

    @Test
    void aChildWithoutTheReferenceIsAcceptedWithoutWaiting() {
        process(
                create(
                        "contract",
                        "c1",
                        image("id", text("c1"), "customer_id", nullOf(FieldKind.STRING))),
                1_000);

        assertThat(out.verdicts).containsExactly("accept contract/c1 v1");
        assertThat(state.parentsOf("contract/c1")).isEmpty();
    }

    @Test
    void childrenWaitForTheirParentAndAreReleasedInArrivalOrder() {
        process(customer("2"), 500);
        process(contract("c1", "1"), 1_000);
        process(contract("c2", "1"), 2_000);
        // c1 re-points to customer 2, which exists, but must not overtake c1's waiting create.
        process(contractUpdate("c1", 2, "2"), 3_000);

        assertThat(out.verdicts).containsExactly("accept customer/2 v1");
        assertThat(out.deadlines).containsExactly(61_000L, 62_000L, 63_000L);
        assertThat(state.waitingCount()).isEqualTo(3);
        assertThat(state.waitingFor("customer/1"))
                .extracting(WaitingChange::getParentKey, WaitingChange::getDeadline)
                .containsExactly(
                        tuple("customer/1", Instant.ofEpochMilli(61_000)),
                        tuple("customer/1", Instant.ofEpochMilli(62_000)),
                        tuple("customer/1", Instant.ofEpochMilli(63_000)));

        process(customer("1"), 4_000);

        assertThat(out.verdicts)
                .containsExactly(
                        "accept customer/2 v1",
                        "accept customer/1 v1",
                        "accept contract/c1 v1",
                        "accept contract/c2 v1",
                        "accept contract/c1 v2");
        assertThat(state.waitingCount()).isZero();
        assertThat(state.waiting).isEmpty();
        assertThat(state.waitingEntities).isEmpty();
        assertThat(state.childCount("customer/1")).isEqualTo(1);
        assertThat(state.childCount("customer/2")).isEqualTo(1);
    }

    @Test
    void aDeleteWaitsBehindTheEntitysEarlierWaitingChange() {
        process(contract("c1", "1"), 1_000);
        process(delete("contract", "c1", 2), 2_000);

        assertThat(out.verdicts).isEmpty();

        process(customer("1"), 3_000);

        assertThat(out.verdicts)
                .containsExactly(
                        "accept customer/1 v1", "accept contract/c1 v1", "accept contract/c1 v2");
        assertThat(state.exists("contract/c1")).isFalse();
        assertThat(state.childCount("customer/1")).isZero();
    }

    @Test
    void aChainOfWaitingChangesIsReleasedWhenTheRootArrives() {
        process(line("l1", "c1"), 1_000);
        process(contract("c1", "1"), 2_000);

        assertThat(out.verdicts).isEmpty();
        assertThat(state.waitingCount()).isEqualTo(2);

        process(customer("1"), 3_000);

        assertThat(out.verdicts)
                .containsExactly(
                        "accept customer/1 v1", "accept contract/c1 v1", "accept line/l1 v1");
        assertThat(state.waitingCount()).isZero();
        assertThat(state.childCount("contract/c1")).isEqualTo(1);
    }

    @Test
    void aChildWhoseParentNeverArrivesIsRejectedAtItsDeadline() {
        process(contract("c1", "1"), 1_000);

        integrity.expire(60_999, rules, state, out);
        assertThat(out.verdicts).isEmpty();

        integrity.expire(61_000, rules, state, out);

        assertThat(out.verdicts).containsExactly("reject contract/c1 v1 RI_MISSING_PARENT");
        assertThat(out.violations)
                .containsExactly(
                        missingParent(
                                "1",
                                "refers to customer 1, which does not exist for the tenant, after"
                                        + " waiting 60 s for it (validation.maxParentWait)"));
        assertThat(out.rules).containsExactly(rules.entity("contract").orElseThrow());
        assertThat(state.waitingCount()).isZero();
        assertThat(state.waiting).isEmpty();
        assertThat(state.waitingEntities).isEmpty();

        process(customer("1"), 62_000);
        process(contractUpdate("c1", 2, "1"), 63_000);

        assertThat(out.verdicts)
                .containsExactly(
                        "reject contract/c1 v1 RI_MISSING_PARENT",
                        "accept customer/1 v1",
                        "accept contract/c1 v2");
    }

    @Test
    void onlyChangesWhoseDeadlineHasPassedExpire() {
        process(contract("c1", "1"), 1_000);
        process(contract("c2", "1"), 30_000);
        process(contractUpdate("c1", 2, "1"), 40_000);

        integrity.expire(61_000, rules, state, out);

        assertThat(out.verdicts).containsExactly("reject contract/c1 v1 RI_MISSING_PARENT");
        assertThat(state.waitingCount()).isEqualTo(2);
        assertThat(state.waitingEntity("contract/c1")).isEqualTo("customer/1");
        assertThat(state.waitingEntity("contract/c2")).isEqualTo("customer/1");

        process(customer("1"), 62_000);

        assertThat(out.verdicts)
                .containsExactly(
                        "reject contract/c1 v1 RI_MISSING_PARENT",
                        "accept customer/1 v1",
                        "accept contract/c2 v1",
                        "accept contract/c1 v2");
        assertThat(state.waitingCount()).isZero();
    }

    @Test
    void aChangeQueuedBehindAnExpiredOneIsCheckedAgainNotRejectedForAParentItDoesNotNeed() {
        process(customer("2"), 500);
        process(contract("c1", "1"), 1_000);
        process(contractUpdate("c1", 2, "2"), 2_000);

        integrity.expire(61_000, rules, state, out);

        assertThat(out.verdicts)
                .containsExactly(
                        "accept customer/2 v1",
                        "reject contract/c1 v1 RI_MISSING_PARENT",
                        "accept contract/c1 v2");
        assertThat(state.waitingCount()).isZero();
        assertThat(state.waitingEntities).isEmpty();
        assertThat(state.childCount("customer/2")).isEqualTo(1);
    }

    @Test
    void aChangeQueuedBehindAnExpiredOneWaitsAgainIfItsOwnParentIsMissing() {
        process(contract("c1", "1"), 1_000);
        process(contractUpdate("c1", 2, "3"), 2_000);

        integrity.expire(61_000, rules, state, out);

        assertThat(out.verdicts).containsExactly("reject contract/c1 v1 RI_MISSING_PARENT");
        assertThat(state.waitingCount()).isEqualTo(1);
        assertThat(state.waitingEntity("contract/c1")).isEqualTo("customer/3");
        assertThat(out.deadlines).containsExactly(61_000L, 62_000L, 121_000L);

        process(customer("3"), 70_000);

        assertThat(out.verdicts).endsWith("accept customer/3 v1", "accept contract/c1 v2");
    }

    @Test
    void aChildIsRejectedAtOnceWhenTheWaitRoomIsFull() {
        integrity = new ReferentialIntegrity(MAX_WAIT, 2);
        process(contract("c1", "1"), 1_000);
        process(contract("c2", "1"), 2_000);
        process(contract("c3", "9"), 3_000);

        assertThat(out.verdicts).containsExactly("reject contract/c3 v1 RI_MISSING_PARENT");
        assertThat(out.violations)
                .containsExactly(
                        missingParent(
                                "9",
                                "refers to customer 9, which does not exist for the tenant, and the"
                                        + " tenant already has 2 changes waiting for parents"
                                        + " (validation.maxWaitingChildren)"));
        assertThat(out.deadlines).containsExactly(61_000L, 62_000L);
        assertThat(state.waitingCount()).isEqualTo(2);

        process(customer("1"), 4_000);
        process(contract("c3", "9"), 5_000);

        assertThat(state.waitingCount()).isEqualTo(1);
        assertThat(out.deadlines).containsExactly(61_000L, 62_000L, 65_000L);
    }

    @Test
    void aChangeQueuedBehindItsEntityCountsAgainstTheWaitRoom() {
        integrity = new ReferentialIntegrity(MAX_WAIT, 2);
        process(contract("c1", "1"), 1_000);
        process(contractUpdate("c1", 2, "1"), 2_000);
        process(contractUpdate("c1", 3, "1"), 3_000);

        assertThat(out.verdicts).containsExactly("reject contract/c1 v3 RI_MISSING_PARENT");
        assertThat(out.violations)
                .singleElement()
                .satisfies(
                        violation ->
                                assertThat(violation.description())
                                        .startsWith(
                                                "waits behind an earlier change of the same"
                                                        + " entity, which waits for customer 1"));
        assertThat(state.waitingCount()).isEqualTo(2);

        process(customer("1"), 4_000);

        assertThat(out.verdicts)
                .containsExactly(
                        "reject contract/c1 v3 RI_MISSING_PARENT",
                        "accept customer/1 v1",
                        "accept contract/c1 v1",
                        "accept contract/c1 v2");
        assertThat(state.waitingCount()).isZero();
    }

    @Test
    void aCompositeReferenceWaitsForTheParentWithThatWholeKey() {
        rules =
                ruleSet(
                        """
                        version: 1
                        entities:
                          shipment:
                            references:
                              - {fields: [region, order_no], entity: order}
                        """);
        process(create("order", "eu/7", image("region", text("eu"), "order_no", text("7"))), 1_000);
        process(
                create(
                        "shipment",
                        "s1",
                        image("id", text("s1"), "region", text("us"), "order_no", text("7"))),
                2_000);
        process(
                create(
                        "shipment",
                        "s2",
                        image("id", text("s2"), "region", text("eu"), "order_no", text("7"))),
                3_000);
        process(create("shipment", "s3", image("id", text("s3"), "region", text("eu"))), 4_000);

        assertThat(out.verdicts)
                .containsExactly(
                        "accept order/eu/7 v1", "accept shipment/s2 v1", "accept shipment/s3 v1");
        assertThat(state.waitingFor("order/us/7"))
                .extracting(waiting -> waiting.getChange().getEntityId())
                .containsExactly("s1");

        integrity.expire(62_000, rules, state, out);

        assertThat(out.violations)
                .singleElement()
                .satisfies(
                        violation -> {
                            assertThat(violation.field()).isEqualTo("region,order_no");
                            assertThat(violation.value()).isEqualTo("us/7");
                        });
    }

    @Test
    void aHierarchyWaitsForItsManagersAndItsRootMayReferToItself() {
        rules =
                ruleSet(
                        """
                        version: 1
                        entities:
                          employee:
                            references:
                              - {field: manager_id, entity: employee, onParentDelete: reject}
                        """);
        process(employee("e3", "e2"), 1_000);
        process(employee("e2", "e1"), 2_000);

        assertThat(out.verdicts).isEmpty();
        assertThat(state.waitingCount()).isEqualTo(2);

        process(employee("e1", "e1"), 3_000);

        assertThat(out.verdicts)
                .containsExactly(
                        "accept employee/e1 v1", "accept employee/e2 v1", "accept employee/e3 v1");
        assertThat(state.waitingCount()).isZero();

        process(delete("employee", "e2", 2), 4_000);

        assertThat(out.verdicts).last().isEqualTo("reject employee/e2 v2 RI_PARENT_HAS_CHILDREN");
    }

    private static ChangeEvent employee(String id, String managerId) {
        return create("employee", id, image("id", text(id), "manager_id", text(managerId)));
    }

    @Test
    void deletingAParentWithChildrenUnderFlagAppliesTheDeleteAndRaisesAnError() {
        process(customer("1"), 1_000);
        process(contract("c1", "1"), 2_000);
        process(delete("customer", "1", 2), 3_000);

        assertThat(out.verdicts)
                .containsExactly(
                        "accept customer/1 v1",
                        "accept contract/c1 v1",
                        "reject customer/1 v2 RI_PARENT_HAS_CHILDREN",
                        "accept customer/1 v2");
        assertThat(out.violations)
                .containsExactly(
                        new Violation(
                                null,
                                ValidationCodes.RI_PARENT_HAS_CHILDREN,
                                "customer 1 was deleted while 1 children still refer to it"
                                        + " (applied and flagged for review)",
                                null));
        assertThat(state.exists("customer/1")).isFalse();
    }

    @Test
    void deletingAParentWithChildrenUnderRejectKeepsTheParent() {
        rules = rules("reject");
        process(customer("1"), 1_000);
        process(contract("c1", "1"), 2_000);
        process(delete("customer", "1", 2), 3_000);

        assertThat(out.verdicts)
                .containsExactly(
                        "accept customer/1 v1",
                        "accept contract/c1 v1",
                        "reject customer/1 v2 RI_PARENT_HAS_CHILDREN");
        assertThat(out.violations)
                .extracting(Violation::description)
                .containsExactly(
                        "customer 1 was deleted while 1 children still refer to it (not applied:"
                                + " onParentDelete is reject)");
        assertThat(state.exists("customer/1")).isTrue();
        assertThat(state.childCount("customer/1")).isEqualTo(1);

        process(contract("c2", "1"), 4_000);

        assertThat(out.verdicts).endsWith("accept contract/c2 v1");
    }

    @Test
    void deletingAParentWithChildrenUnderAllowIsSilent() {
        rules = rules("allow");
        process(customer("1"), 1_000);
        process(contract("c1", "1"), 2_000);
        process(delete("customer", "1", 2), 3_000);

        assertThat(out.verdicts)
                .containsExactly(
                        "accept customer/1 v1", "accept contract/c1 v1", "accept customer/1 v2");
        assertThat(state.exists("customer/1")).isFalse();
    }

    @Test
    void theStrictestPolicyOfAllReferencesToTheParentApplies() {
        rules =
                ruleSet(
                        """
                        version: 1
                        entities:
                          contract:
                            references:
                              - {field: customer_id, entity: customer, onParentDelete: allow}
                          invoice:
                            references:
                              - {field: customer_id, entity: customer, onParentDelete: reject}
                        """);
        process(customer("1"), 1_000);
        process(contract("c1", "1"), 2_000);
        process(delete("customer", "1", 2), 3_000);

        assertThat(out.verdicts).endsWith("reject customer/1 v2 RI_PARENT_HAS_CHILDREN");
        assertThat(state.exists("customer/1")).isTrue();
    }

    @Test
    void aChildPointingToAnotherParentMovesTheChildCount() {
        rules = rules("reject");
        process(customer("1"), 1_000);
        process(customer("2"), 1_000);
        process(contract("c1", "1"), 2_000);
        process(contractUpdate("c1", 2, "2"), 3_000);

        assertThat(state.childCount("customer/1")).isZero();
        assertThat(state.childCount("customer/2")).isEqualTo(1);
        assertThat(state.parentsOf("contract/c1")).containsExactly("customer/2");

        process(delete("customer", "1", 2), 4_000);

        assertThat(out.verdicts).endsWith("accept contract/c1 v2", "accept customer/1 v2");
        assertThat(out.violations).isEmpty();
    }

    @Test
    void deletingAChildReleasesItsParent() {
        rules = rules("reject");
        process(customer("1"), 1_000);
        process(contract("c1", "1"), 2_000);
        process(contract("c2", "1"), 2_000);
        process(delete("contract", "c1", 2), 3_000);

        assertThat(state.childCount("customer/1")).isEqualTo(1);
        assertThat(state.parentsOf("contract/c1")).isEmpty();
        assertThat(state.exists("contract/c1")).isFalse();

        process(delete("contract", "c2", 2), 4_000);
        process(delete("customer", "1", 2), 5_000);

        assertThat(state.childCount("customer/1")).isZero();
        assertThat(out.verdicts).endsWith("accept contract/c2 v2", "accept customer/1 v2");
        assertThat(out.violations).isEmpty();
    }

    @Test
    void aDeleteOfAChildWhoseParentIsMissingIsAcceptedAtOnce() {
        process(delete("contract", "c1", 5), 1_000);

        assertThat(out.verdicts).containsExactly("accept contract/c1 v5");
        assertThat(state.waitingCount()).isZero();
    }

    /** The per-tenant state in maps, removing entries that return to their default. */
    static final class InMemoryState implements ReferentialIntegrity.State {

        final Map<String, Boolean> entities = new HashMap<>();
        final Map<String, Integer> childCounts = new HashMap<>();
        final Map<String, List<String>> parents = new HashMap<>();
        final Map<String, List<WaitingChange>> waiting = new LinkedHashMap<>();
        final Map<String, String> waitingEntities = new HashMap<>();
        int waitingCount;

        @Override
        public boolean exists(String entityKey) {
            return entities.containsKey(entityKey);
        }

        @Override
        public void setExists(String entityKey, boolean exists) {
            if (exists) {
                entities.put(entityKey, true);
            } else {
                entities.remove(entityKey);
            }
        }

        @Override
        public int childCount(String parentKey) {
            return childCounts.getOrDefault(parentKey, 0);
        }

        @Override
        public void setChildCount(String parentKey, int count) {
            if (count == 0) {
                childCounts.remove(parentKey);
            } else {
                childCounts.put(parentKey, count);
            }
        }

        @Override
        public List<String> parentsOf(String childKey) {
            return parents.getOrDefault(childKey, List.of());
        }

        @Override
        public void setParentsOf(String childKey, List<String> parentKeys) {
            if (parentKeys.isEmpty()) {
                parents.remove(childKey);
            } else {
                parents.put(childKey, List.copyOf(parentKeys));
            }
        }

        @Override
        public List<WaitingChange> waitingFor(String parentKey) {
            return waiting.getOrDefault(parentKey, List.of());
        }

        @Override
        public void setWaitingFor(String parentKey, List<WaitingChange> changes) {
            if (changes.isEmpty()) {
                waiting.remove(parentKey);
            } else {
                waiting.put(parentKey, List.copyOf(changes));
            }
        }

        @Override
        public String waitingEntity(String entityKey) {
            return waitingEntities.get(entityKey);
        }

        @Override
        public void setWaitingEntity(String entityKey, String parentKey) {
            if (parentKey == null) {
                waitingEntities.remove(entityKey);
            } else {
                waitingEntities.put(entityKey, parentKey);
            }
        }

        @Override
        public Iterable<String> awaitedParents() {
            return waiting.keySet();
        }

        @Override
        public int waitingCount() {
            return waitingCount;
        }

        @Override
        public void setWaitingCount(int count) {
            waitingCount = count;
        }
    }

    /** Records verdicts as {@code accept|reject entityType/entityId vVersion [code]}. */
    static final class RecordingOutput implements ReferentialIntegrity.Output {

        final List<String> verdicts = new ArrayList<>();
        final List<Violation> violations = new ArrayList<>();
        final List<EntityRules> rules = new ArrayList<>();
        final List<Long> deadlines = new ArrayList<>();

        @Override
        public void accept(ChangeEvent change) {
            verdicts.add(
                    "accept " + ReferentialIntegrity.keyOf(change) + " v" + change.getVersion());
        }

        @Override
        public void reject(ChangeEvent change, Violation violation, EntityRules entityRules) {
            verdicts.add(
                    "reject "
                            + ReferentialIntegrity.keyOf(change)
                            + " v"
                            + change.getVersion()
                            + " "
                            + violation.code());
            violations.add(violation);
            rules.add(entityRules);
        }

        @Override
        public void waitUntil(long deadline) {
            deadlines.add(deadline);
        }
    }
}
