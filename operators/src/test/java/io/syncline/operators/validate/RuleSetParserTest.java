package io.syncline.operators.validate;

import static io.syncline.operators.validate.Changes.image;
import static io.syncline.operators.validate.Changes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.operators.validate.Reference.ParentDeletePolicy;
import io.syncline.operators.validate.rules.AllowedValuesRule;
import io.syncline.operators.validate.rules.PatternRule;
import io.syncline.operators.validate.rules.RangeRule;
import io.syncline.operators.validate.rules.RequiredIfRule;
import io.syncline.operators.validate.rules.RequiredRule;
import io.syncline.operators.validate.rules.Rule;
import io.syncline.schema.RuleSetDocument;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ListAssert;
import org.junit.jupiter.api.Test;

class RuleSetParserTest {

    private static final String CUSTOMER_SCHEMA =
            "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},"
                    + "\"name\":{\"type\":\"string\"},\"credit_limit\":{\"type\":\"number\"},"
                    + "\"status\":{\"enum\":[\"active\",\"closed\"]}},\"required\":[\"id\",\"name\"]}";

    private static final String FULL =
            """
            version: 2
            entities:
              customer:
                level: transformative        # strict (default) | lenient | transformative
                schema:
                  type: json-schema
                  inline: '%s'
                defaults: {status: active}
                formats: {email: email, phone: phone, country: country}
                defaultRegion: US
                confidential: [email]
                rules:
                  - {type: required, field: name}
                  - {type: range, field: credit_limit, min: 0, max: 1000000}
                  - {type: range, field: signed_on, min: 2000-01-01, max: 2100-12-31}
                  - {type: allowed, field: segment, values: [smb, enterprise]}
                  - {type: pattern, field: code, regex: '[A-Z]{3}-\\d{4}'}
                  - {type: required-if, field: vat_id, when: country, in: [DE, FR]}
              contract:
                references:
                  - {field: customer_id, entity: customer, onParentDelete: reject}
            """
                    .formatted(CUSTOMER_SCHEMA);

    private static RuleSet parse(String yaml) {
        return RuleSetParser.parse(RuleSetParser.document(yaml, name -> null));
    }

    private static ListAssert<String> problemsOf(String yaml) {
        return problemsOf(RuleSetParser.document(yaml, name -> null));
    }

    private static ListAssert<String> problemsOf(RuleSetDocument document) {
        try {
            RuleSetParser.parse(document);
        } catch (RuleSetException e) {
            return assertThat(e.problems());
        }
        throw new AssertionError("the rule set compiled, but problems were expected");
    }

    /** A rule file of one entity {@code customer} with the given YAML lines (indented 4). */
    private static String customer(String... lines) {
        return "version: 1\nentities:\n  customer:\n    " + String.join("\n    ", lines) + "\n";
    }

    @Test
    void theFullRuleFileCompiles() {
        RuleSet ruleSet = parse(FULL);

        assertThat(ruleSet.version()).isEqualTo(2);
        assertThat(ruleSet.entities()).containsOnlyKeys("customer", "contract");

        EntityRules customer = ruleSet.entity("customer").orElseThrow();
        assertThat(customer.entityType()).isEqualTo("customer");
        assertThat(customer.level()).isEqualTo(ValidationLevel.TRANSFORMATIVE);
        assertThat(customer.schema()).isNotNull();
        assertThat(customer.schema().fields())
                .containsOnlyKeys("id", "name", "credit_limit", "status");
        assertThat(customer.schema().allowsUnknownFields()).isTrue();
        assertThat(customer.corrector()).isNotNull();
        assertThat(customer.confidential()).containsExactly("email");
        assertThat(customer.references()).isEmpty();
        assertThat(customer.rules())
                .extracting(Rule::field)
                .containsExactly("name", "credit_limit", "signed_on", "segment", "code", "vat_id");
        assertThat(customer.rules())
                .extracting(rule -> (Object) rule.getClass())
                .containsExactly(
                        RequiredRule.class,
                        RangeRule.class,
                        RangeRule.class,
                        AllowedValuesRule.class,
                        PatternRule.class,
                        RequiredIfRule.class);

        EntityRules contract = ruleSet.entity("contract").orElseThrow();
        assertThat(contract.level()).isEqualTo(ValidationLevel.STRICT);
        assertThat(contract.schema()).isNull();
        assertThat(contract.corrector()).isNull();
        assertThat(contract.rules()).isEmpty();
        assertThat(contract.confidential()).isEmpty();
        assertThat(contract.references())
                .containsExactly(
                        new Reference("customer_id", "customer", ParentDeletePolicy.REJECT));
    }

    @Test
    void theCompiledRulesCheckWhatTheFileSays() {
        List<Rule> rules = parse(FULL).entity("customer").orElseThrow().rules();

        assertThat(rules.get(1).check(image("credit_limit", text("x"))))
                .map(Violation::description)
                .contains("must be a number between 0 and 1000000");
        assertThat(rules.get(2).check(image("signed_on", Changes.date("1999-12-31"))))
                .map(Violation::description)
                .contains("must be between 2000-01-01 and 2100-12-31");
        assertThat(rules.get(4).check(image("code", text("ABC-1234")))).isEmpty();
        assertThat(rules.get(4).check(image("code", text("ABC-12"))))
                .map(Violation::description)
                .contains("must match [A-Z]{3}-\\d{4}");
        assertThat(rules.get(5).check(image("country", text("FR"))))
                .map(Violation::description)
                .contains("is required when country is FR");
    }

    @Test
    void defaultsAreStrictLevelFlagPolicyAndNoRules() {
        RuleSet ruleSet =
                parse(
                        """
                        version: 1
                        entities:
                          customer: {}
                          contract:
                            level: LENIENT
                            references:
                              - {field: customer_id, entity: customer}
                        """);

        EntityRules customer = ruleSet.entity("customer").orElseThrow();
        assertThat(customer.level()).isEqualTo(ValidationLevel.STRICT);
        assertThat(customer.schema()).isNull();
        assertThat(customer.rules()).isEmpty();
        EntityRules contract = ruleSet.entity("contract").orElseThrow();
        assertThat(contract.level()).isEqualTo(ValidationLevel.LENIENT);
        assertThat(contract.references())
                .containsExactly(new Reference("customer_id", "customer", ParentDeletePolicy.FLAG));
        assertThat(ruleSet.entity("invoice")).isEmpty();
    }

    @Test
    void aSchemaFileIsTakenFromTheDocument() {
        String yaml =
                customer(
                        "schema: {type: json-schema, file: customer.schema.json}",
                        "level: lenient");
        RuleSetDocument document =
                RuleSetParser.document(
                        yaml, name -> name.equals("customer.schema.json") ? CUSTOMER_SCHEMA : null);

        RuleSet ruleSet = RuleSetParser.parse(document);

        assertThat(document.getVersion()).isEqualTo(1);
        assertThat(document.getFiles()).containsOnlyKeys("customer.schema.json");
        assertThat(RuleSetParser.schemaFilesOf(yaml)).containsExactly("customer.schema.json");
        assertThat(ruleSet.entity("customer").orElseThrow().schema().fields())
                .containsOnlyKeys("id", "name", "credit_limit", "status");
    }

    @Test
    void avroAndXsdSchemasCompile() {
        String avro =
                "{\"type\":\"record\",\"name\":\"Customer\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
        String xsd =
                "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
                        + "<xs:element name=\"note\" type=\"xs:string\"/></xs:schema>";
        RuleSet ruleSet =
                parse(
                        """
                        version: 3
                        entities:
                          customer:
                            schema: {type: avro, inline: '%s'}
                          letter:
                            schema: {type: xsd, field: body, inline: '%s'}
                        """
                                .formatted(avro, xsd));

        assertThat(ruleSet.entity("customer").orElseThrow().schema().fields())
                .containsOnlyKeys("id");
        assertThat(ruleSet.entity("letter").orElseThrow().schema()).isNotNull();
    }

    @Test
    void valuesKeepTheTextAsWrittenInsteadOfYamlBooleansAndNumbers() {
        RuleSet ruleSet =
                parse(
                        customer(
                                "rules:",
                                "  - {type: required-if, field: vat_id, when: country, in: [DE, NO]}",
                                "  - {type: allowed, field: branch, values: [007, 010, 0.50, yes]}"));
        List<Rule> rules = ruleSet.entity("customer").orElseThrow().rules();

        assertThat(rules.get(0).check(image("country", text("NO"))))
                .contains(
                        new Violation(
                                "vat_id",
                                ValidationCodes.RULE_REQUIRED_IF,
                                "is required when country is NO",
                                null));
        assertThat(rules.get(1).check(image("branch", text("010")))).isEmpty();
        assertThat(rules.get(1).check(image("branch", Changes.decimal("0.50")))).isEmpty();
        assertThat(rules.get(1).check(image("branch", text("yes")))).isEmpty();
        assertThat(rules.get(1).check(image("branch", text("8"))))
                .map(Violation::description)
                .contains("must be one of 007, 010, 0.50, yes");
    }

    @Test
    void theVersionAloneIsReadWithoutCompiling() {
        assertThat(RuleSetParser.versionOf("version: 7\nentities: {customer: {level: x}}"))
                .isEqualTo(7);
        assertThatThrownBy(() -> RuleSetParser.versionOf("entities: {}"))
                .isInstanceOf(RuleSetException.class)
                .hasMessage(
                        "the rule set is invalid:\n  version: is missing or not a whole number");
        assertThat(RuleSetParser.document("entities: {}", name -> null).getVersion()).isZero();
    }

    @Test
    void badYamlIsReportedWithItsLine() {
        problemsOf("version: 1\nentities:\n  customer:\n   level: lenient\n  - rules\n")
                .singleElement()
                .asString()
                .startsWith("the rule file is not valid YAML: ")
                .contains("expected <block end>, but found '-'")
                .endsWith(" (line 5, column 3); see the README, section Validation rules");
    }

    @Test
    void aRuleFileThatIsNotAMappingIsReported() {
        problemsOf("")
                .containsExactly("the rule file must be a mapping with version: and entities:");
        problemsOf("- version: 1")
                .containsExactly("the rule file must be a mapping with version: and entities:");
    }

    @Test
    void aMissingOrInvalidVersionIsReported() {
        problemsOf("entities: {}")
                .containsExactly(
                        "version: is required; e.g. version: 1 (raise it with every change)");
        problemsOf("version: 0\nentities: {}")
                .containsExactly(
                        "version: must be a whole number of at least 1, was 0; e.g. version: 1"
                                + " (raise it with every change)");
        problemsOf("version: 1.5\nentities: {}")
                .containsExactly(
                        "version: must be a whole number of at least 1, was 1.5; e.g. version: 1"
                                + " (raise it with every change)");
        problemsOf("version: two\nentities: {}")
                .containsExactly(
                        "version: must be a whole number of at least 1, was two; e.g. version: 1"
                                + " (raise it with every change)");
    }

    @Test
    void unknownKeysAreReportedAtEveryLevelWithTheKnownOnes() {
        problemsOf("version: 1\nentitys: {}")
                .containsExactly("entitys: unknown key; known keys are entities, version");
        problemsOf(customer("levle: lenient"))
                .containsExactly(
                        "entities.customer.levle: unknown key; known keys are confidential,"
                                + " defaultRegion, defaults, formats, level, references, rules,"
                                + " schema");
        problemsOf(customer("schema: {type: json-schema, inline: '{}', url: 'http://x'}"))
                .containsExactly(
                        "entities.customer.schema.url: unknown key; known keys are field, file,"
                                + " inline, type");
        problemsOf(customer("rules:", "  - {type: range, field: age, min: 0, maximum: 150}"))
                .containsExactly(
                        "entities.customer.rules[0].maximum: unknown key; known keys are field,"
                                + " max, min, type");
        problemsOf(
                        customer(
                                "references:",
                                "  - {field: account_id, entity: account, onDelete: reject}"))
                .containsExactly(
                        "entities.customer.references[0].onDelete: unknown key; known keys are"
                                + " entity, field, fields, onParentDelete");
    }

    @Test
    void anUnknownRuleTypeIsReportedWithTheKnownOnes() {
        problemsOf(
                        customer(
                                "rules:",
                                "  - {type: required, field: name}",
                                "  - {type: unique, field: email}"))
                .containsExactly(
                        "entities.customer.rules[1].type: 'unique' is not a rule type; use one of"
                                + " allowed, pattern, range, required, required-if");
    }

    @Test
    void anUnknownLevelIsReported() {
        problemsOf(customer("level: paranoid"))
                .containsExactly(
                        "entities.customer.level: 'paranoid' is not a level; use strict, lenient"
                                + " or transformative");
    }

    @Test
    void anUnknownSchemaTypeIsReported() {
        problemsOf(customer("schema: {type: protobuf, inline: 'message Customer {}'}"))
                .containsExactly(
                        "entities.customer.schema.type: 'protobuf' is not a schema type; use"
                                + " json-schema, avro or xsd");
    }

    @Test
    void anInvalidJsonSchemaTextIsReported() {
        problemsOf(customer("schema: {type: json-schema, inline: '{\"type\": \"object\",'}"))
                .containsExactly(
                        "entities.customer.schema: JSON Schema is not valid JSON (line 1, column"
                                + " 19: Unexpected end-of-input within/between Object entries). Fix"
                                + " the JSON syntax of the schema text.");
    }

    @Test
    void aSchemaFileNotInTheDocumentIsReported() {
        problemsOf(customer("schema: {type: json-schema, file: customer.schema.json}"))
                .containsExactly(
                        "entities.customer.schema.file: 'customer.schema.json' was not published"
                                + " with the rule set; publish the rule file with 'syncline rules"
                                + " publish', which reads the files it names");
    }

    @Test
    void aSchemaNeedsExactlyOneSourceAndAnXsdItsField() {
        problemsOf(customer("schema: {type: json-schema}"))
                .containsExactly(
                        "entities.customer.schema: set exactly one of file: (a schema file next"
                                + " to the rule file) and inline: (the schema text)");
        problemsOf(
                        customer(
                                "schema: {type: xsd, inline: '<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"/>'}"))
                .containsExactly(
                        "entities.customer.schema.field: an xsd schema needs the field that holds"
                                + " the XML document; e.g. field: document");
    }

    @Test
    void correctionsOnAnEntityThatIsNotTransformativeAreReported() {
        problemsOf(customer("defaults: {status: active}", "defaultRegion: US"))
                .containsExactly(
                        "entities.customer.defaults: applies only with level: transformative; set"
                                + " the level or remove it",
                        "entities.customer.defaultRegion: applies only with level:"
                                + " transformative; set the level or remove it");
        problemsOf(customer("level: lenient", "formats: {email: email}"))
                .containsExactly(
                        "entities.customer.formats: applies only with level: transformative; set"
                                + " the level or remove it");
    }

    @Test
    void anUnknownFormatIsReported() {
        problemsOf(customer("level: transformative", "formats: {phone: telephone}"))
                .containsExactly(
                        "entities.customer.formats.phone: unknown field format 'telephone';"
                                + " allowed: phone, email, country");
    }

    @Test
    void anUnknownParentDeletePolicyIsReported() {
        problemsOf(
                        customer(
                                "references:",
                                "  - {field: account_id, entity: account, onParentDelete: cascade}"))
                .containsExactly(
                        "entities.customer.references[0].onParentDelete: 'cascade' is not a"
                                + " policy; use flag, reject or allow");
    }

    @Test
    void aCompositeReferenceNamesItsFieldsInTheParentsKeyOrder() {
        RuleSet rules =
                RuleSetParser.parse(
                        RuleSetParser.document(
                                """
                                version: 1
                                entities:
                                  shipment:
                                    references:
                                      - {fields: [region, order_no], entity: order}
                                """,
                                name -> null));

        assertThat(rules.entity("shipment").orElseThrow().references())
                .containsExactly(
                        new Reference(
                                List.of("region", "order_no"), "order", ParentDeletePolicy.FLAG));
    }

    @Test
    void aReferenceNeedsExactlyOneOfFieldAndFields() {
        problemsOf(
                        customer(
                                "references:",
                                "  - {field: a, fields: [a, b], entity: account}",
                                "  - {entity: account}"))
                .containsExactly(
                        "entities.customer.references[0]: set exactly one of field: (the column"
                                + " holding the parent's id) and fields: (the columns holding a"
                                + " composite key, in the parent's key order)",
                        "entities.customer.references[1]: set exactly one of field: (the column"
                                + " holding the parent's id) and fields: (the columns holding a"
                                + " composite key, in the parent's key order)");
    }

    @Test
    void aSelfReferenceDescribesAHierarchy() {
        RuleSet rules =
                RuleSetParser.parse(
                        RuleSetParser.document(
                                """
                                version: 1
                                entities:
                                  employee:
                                    references:
                                      - {field: manager_id, entity: employee, onParentDelete: reject}
                                """,
                                name -> null));

        assertThat(rules.entity("employee").orElseThrow().references())
                .containsExactly(
                        new Reference("manager_id", "employee", ParentDeletePolicy.REJECT));
    }

    @Test
    void invalidRulesAreReportedWithTheirPlace() {
        problemsOf(
                        customer(
                                "rules:",
                                "  - {type: range, field: credit_limit, min: 10, max: 5}",
                                "  - {type: range, field: credit_limit}",
                                "  - {type: pattern, field: code, regex: '[A-Z'}",
                                "  - {type: pattern, field: code}",
                                "  - {type: allowed, field: segment}",
                                "  - {type: required-if, field: vat_id, when: country}",
                                "  - {type: required}",
                                "  - {type: required, field: ~}",
                                "  - required"))
                .containsExactly(
                        "entities.customer.rules[8]: must be a mapping, was \"required\"",
                        "entities.customer.rules[0]: min (10) is greater than max (5)",
                        "entities.customer.rules[1]: a range needs min, max or both",
                        "entities.customer.rules[2]: '[A-Z' is not a regular expression: Unclosed"
                                + " character class",
                        "entities.customer.rules[3].regex: is required",
                        "entities.customer.rules[4]: allowed values must not be empty",
                        "entities.customer.rules[5]: the condition needs at least one value",
                        "entities.customer.rules[6].field: is required",
                        "entities.customer.rules[7].field: is required");
    }

    @Test
    void anEntityThatIsNotAMappingIsReportedNotThrown() {
        problemsOf("version: 1\nentities:\n  customer:\n  contract: strict\n")
                .containsExactly(
                        "entities.customer: must be a mapping (level:, schema:, rules:, ...)",
                        "entities.contract: must be a mapping (level:, schema:, rules:, ...)");
    }

    @Test
    void anEntityGivenTwiceIsReportedInsteadOfLosingTheFirst() {
        problemsOf(
                        """
                        version: 1
                        entities:
                          customer:
                            rules: [{type: required, field: name}]
                          customer:
                            level: lenient
                        """)
                .containsExactly(
                        "entities.customer: is given a second time at line 5, which would"
                                + " silently replace the first; merge them into one");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        RuleSetDocument document =
                RuleSetParser.document(
                        """
                        entities:
                          customer:
                            level: paranoid
                            schema: {type: json-schema, file: customer.schema.json}
                            rules:
                              - {type: unique, field: email}
                          contract:
                            defaults: {status: open}
                            references:
                              - {field: customer_id, entity: customer, onParentDelete: purge}
                        """,
                        name -> null);

        assertThatThrownBy(() -> RuleSetParser.parse(document))
                .isInstanceOfSatisfying(
                        RuleSetException.class,
                        e ->
                                assertThat(e.problems())
                                        .containsExactly(
                                                "version: is required; e.g. version: 1 (raise it"
                                                        + " with every change)",
                                                "entities.customer.level: 'paranoid' is not a"
                                                        + " level; use strict, lenient or"
                                                        + " transformative",
                                                "entities.customer.schema.file:"
                                                        + " 'customer.schema.json' was not"
                                                        + " published with the rule set; publish"
                                                        + " the rule file with 'syncline rules"
                                                        + " publish', which reads the files it"
                                                        + " names",
                                                "entities.customer.rules[0].type: 'unique' is not"
                                                        + " a rule type; use one of allowed,"
                                                        + " pattern, range, required,"
                                                        + " required-if",
                                                "entities.contract.defaults: applies only with"
                                                        + " level: transformative; set the level"
                                                        + " or remove it",
                                                "entities.contract.references[0].onParentDelete:"
                                                        + " 'purge' is not a policy; use flag,"
                                                        + " reject or allow"))
                .hasMessageStartingWith(
                        "the rule set is invalid:\n  version: is required; e.g. version: 1");
    }

    @Test
    void confidentialAcceptsOneFieldOrAList() {
        assertThat(
                        parse(customer("confidential: email"))
                                .entity("customer")
                                .orElseThrow()
                                .confidential())
                .isEqualTo(Set.of("email"));
        assertThat(
                        parse(customer("confidential: [email, phone]"))
                                .entity("customer")
                                .orElseThrow()
                                .confidential())
                .isEqualTo(Set.of("email", "phone"));
    }
}
