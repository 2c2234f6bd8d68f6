package io.syncline.operators.validate.schema;

import static io.syncline.operators.validate.schema.Images.image;
import static io.syncline.operators.validate.schema.Images.integer;
import static io.syncline.operators.validate.schema.Images.nullOf;
import static io.syncline.operators.validate.schema.Images.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.syncline.operators.validate.ExpectedType;
import io.syncline.operators.validate.FieldSpec;
import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldKind;
import io.syncline.schema.FieldValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XsdCheckTest {

    private static final String ORDER_XSD =
            """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
              <xs:element name="order">
                <xs:complexType>
                  <xs:sequence>
                    <xs:element name="id" type="xs:int"/>
                    <xs:element name="qty" type="xs:positiveInteger"/>
                  </xs:sequence>
                  <xs:attribute name="currency" type="xs:string" use="required"/>
                </xs:complexType>
              </xs:element>
            </xs:schema>
            """;

    private final XsdCheck check = SchemaChecks.xsd(ORDER_XSD, "payload");

    private List<Violation> checkDocument(String xml) {
        return check.check(image("id", integer(1), "payload", string(xml)));
    }

    @Test
    void acceptsAValidDocument() {
        assertThat(checkDocument("<order currency=\"EUR\"><id>1</id><qty>2</qty></order>"))
                .isEmpty();
    }

    @Test
    void acceptsAValidDocumentHeldAsBytes() {
        byte[] xml =
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><order currency=\"€\"><id>1</id><qty>2</qty></order>"
                        .getBytes(StandardCharsets.UTF_8);

        assertThat(
                        check.check(
                                image(
                                        "payload",
                                        new FieldValue(FieldKind.BYTES, ByteBuffer.wrap(xml)))))
                .isEmpty();
    }

    @Test
    void reportsBytesThatAreNotInTheDeclaredEncoding() {
        byte[] xml = {'<', 'a', '>', (byte) 0xff, (byte) 0xfe, '<', '/', 'a', '>'};

        List<Violation> violations =
                check.check(
                        image("payload", new FieldValue(FieldKind.BYTES, ByteBuffer.wrap(xml))));

        assertThat(violations)
                .extracting(Violation::field, Violation::code, Violation::value)
                .containsExactly(
                        tuple(
                                "payload",
                                ValidationCodes.SCHEMA_XML_INVALID,
                                "0x3c613efffe3c2f613e"));
    }

    @Test
    void reportsEveryErrorOfAnInvalidDocument() {
        String xml = "<order><id>1</id><qty>2</qty><note>rush</note></order>";

        List<Violation> violations = checkDocument(xml);

        assertThat(violations)
                .extracting(Violation::field, Violation::code, Violation::value)
                .containsOnly(tuple("payload", ValidationCodes.SCHEMA_XML_INVALID, xml));
        assertThat(violations).hasSize(2);
        assertThat(violations.get(0).description()).startsWith("line 1:8: cvc-complex-type.4: ");
        assertThat(violations.get(1).description())
                .startsWith("line 1:36: cvc-complex-type.2.4.d: ");
    }

    @Test
    void reportsABadValueOnceWithBothMessagesOfItsPosition() {
        List<Violation> violations =
                checkDocument("<order currency=\"EUR\"><id>1</id><qty>0</qty></order>");

        assertThat(violations).hasSize(1);
        assertThat(violations.get(0).description())
                .startsWith("line 1:45: cvc-minInclusive-valid: ")
                .contains(" cvc-type.3.1.3: ");
    }

    @Test
    void reportsXmlThatIsNotWellFormed() {
        String xml = "<order currency=\"EUR\"><id>1</id><qty>2</qty>";

        List<Violation> violations = checkDocument(xml);

        assertThat(violations)
                .extracting(Violation::field, Violation::code, Violation::value)
                .containsExactly(tuple("payload", ValidationCodes.SCHEMA_XML_INVALID, xml));
        assertThat(violations.get(0).description()).startsWith("line 1:45: ");
    }

    @Test
    void rejectsAnExternalEntityWithoutReadingIt() {
        String xml =
                "<?xml version=\"1.0\"?>\n"
                        + "<!DOCTYPE order [<!ENTITY xxe SYSTEM \"file:///etc/hostname\">]>\n"
                        + "<order currency=\"EUR\"><id>&xxe;</id><qty>1</qty></order>";

        List<Violation> violations = checkDocument(xml);

        assertThat(violations)
                .extracting(Violation::field, Violation::code)
                .containsExactly(tuple("payload", ValidationCodes.SCHEMA_XML_INVALID));
        assertThat(violations.get(0).description())
                .startsWith("line 2:10: ")
                .contains("disallow-doctype-decl");
        assertThat(violations.get(0).value()).isEqualTo(xml.substring(0, 79) + "…");
    }

    @Test
    void rejectsAnExternalDtd() {
        List<Violation> violations =
                checkDocument(
                        "<!DOCTYPE order SYSTEM \"http://attacker.invalid/order.dtd\">"
                                + "<order currency=\"EUR\"><id>1</id><qty>1</qty></order>");

        assertThat(violations).hasSize(1);
        assertThat(violations.get(0).description()).contains("disallow-doctype-decl");
    }

    @Test
    void showsAtMostEightyCharactersOfTheDocument() {
        String xml =
                "<order currency=\"EUR\"><id>1</id><qty>2</qty>"
                        + "<note>x</note>".repeat(10)
                        + "</order>";

        List<Violation> violations = checkDocument(xml);

        assertThat(violations).hasSize(1);
        assertThat(violations.get(0).value()).hasSize(80).isEqualTo(xml.substring(0, 79) + "…");
    }

    @Test
    void reportsAMissingOrNullDocumentAsRequired() {
        assertThat(check.check(image("id", integer(1))))
                .containsExactly(
                        new Violation(
                                "payload", ValidationCodes.SCHEMA_REQUIRED, "is required", null));
        assertThat(check.check(image("payload", nullOf(FieldKind.STRING))))
                .containsExactly(
                        new Violation(
                                "payload",
                                ValidationCodes.SCHEMA_REQUIRED,
                                "must not be null",
                                null));
    }

    @Test
    void reportsAValueThatCannotHoldXml() {
        assertThat(check.check(image("payload", integer(7))))
                .containsExactly(
                        new Violation(
                                "payload",
                                ValidationCodes.SCHEMA_TYPE_MISMATCH,
                                "must be an XML document as text or bytes, but the value is INT",
                                "7"));
    }

    @Test
    void describesOnlyTheXmlField() {
        assertThat(check.fields())
                .containsExactly(
                        Map.entry(
                                "payload",
                                new FieldSpec(
                                        "payload", ExpectedType.STRING, true, false, List.of())));
        assertThat(check.allowsUnknownFields()).isTrue();
    }

    @Test
    void rejectsAnInvalidXsd() {
        assertThatThrownBy(() -> SchemaChecks.xsd("<xs:schema", "payload"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("XSD is invalid: line 1:11: ")
                .hasMessageEndingWith(
                        "Fix the schema at these lines; it must be a self-contained W3C XML Schema"
                                + " (imports and includes of other documents are not loaded).");
        assertThatThrownBy(
                        () ->
                                SchemaChecks.xsd(
                                        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
                                                + "<xs:element name=\"a\" type=\"xs:money\"/>"
                                                + "</xs:schema>",
                                        "payload"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("XSD is invalid: line 1:")
                .hasMessageContaining("src-resolve");
    }

    @Test
    void doesNotLoadIncludedSchemas() {
        assertThatThrownBy(
                        () ->
                                SchemaChecks.xsd(
                                        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
                                                + "<xs:include schemaLocation=\"file:///etc/order.xsd\"/>"
                                                + "</xs:schema>",
                                        "payload"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accessExternalSchema");
    }
}
