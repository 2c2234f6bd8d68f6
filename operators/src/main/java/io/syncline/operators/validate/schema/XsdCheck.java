package io.syncline.operators.validate.schema;

import io.syncline.operators.validate.ExpectedType;
import io.syncline.operators.validate.FieldSpec;
import io.syncline.operators.validate.FieldValues;
import io.syncline.operators.validate.SchemaCheck;
import io.syncline.operators.validate.ValidationCodes;
import io.syncline.operators.validate.Violation;
import io.syncline.schema.FieldValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.sax.SAXSource;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * An XSD that checks the XML document held in one field of the row. Documents may not declare a
 * DOCTYPE and nothing external is ever loaded, so entity expansion and XXE attacks are rejected as
 * invalid XML; every error of a document is reported, not just the first.
 */
public final class XsdCheck implements SchemaCheck {

    private static final String DISALLOW_DOCTYPE =
            "http://apache.org/xml/features/disallow-doctype-decl";
    private static final int MAX_SHOWN_LENGTH = 80;

    private final String field;
    private final Schema schema;
    private final SAXParserFactory parsers;
    private final Map<String, FieldSpec> fields;

    XsdCheck(String xsd, String field) {
        Objects.requireNonNull(xsd, "XSD text must not be null");
        this.field = Objects.requireNonNull(field, "the XML field name must not be null");
        this.schema = compile(xsd);
        this.parsers = secureParsers();
        this.fields =
                Map.of(field, new FieldSpec(field, ExpectedType.STRING, true, false, List.of()));
    }

    @Override
    public List<Violation> check(Map<String, FieldValue> image) {
        FieldValue value = image.get(field);
        if (FieldValues.isNull(value)) {
            return List.of(
                    new Violation(
                            field,
                            ValidationCodes.SCHEMA_REQUIRED,
                            image.containsKey(field) ? "must not be null" : "is required",
                            null));
        }
        String shown = shown(FieldValues.text(value));
        Optional<InputSource> document = document(value);
        if (document.isEmpty()) {
            return List.of(
                    new Violation(
                            field,
                            ValidationCodes.SCHEMA_TYPE_MISMATCH,
                            "must be an XML document as text or bytes, but the value is "
                                    + value.getKind(),
                            shown));
        }
        return validate(document.get()).stream()
                .map(
                        problem ->
                                new Violation(
                                        field, ValidationCodes.SCHEMA_XML_INVALID, problem, shown))
                .toList();
    }

    @Override
    public Map<String, FieldSpec> fields() {
        return fields;
    }

    @Override
    public boolean allowsUnknownFields() {
        return true;
    }

    private List<String> validate(InputSource document) {
        CollectingErrorHandler errors = new CollectingErrorHandler();
        try {
            XMLReader reader = parsers.newSAXParser().getXMLReader();
            Validator validator = schema.newValidator();
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.setErrorHandler(errors);
            validator.validate(new SAXSource(reader, document));
        } catch (SAXParseException e) {
            errors.add(e);
        } catch (SAXException | IOException e) {
            errors.add("", "cannot be read as XML: " + e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be configured", e);
        }
        return errors.problems();
    }

    /** The document to parse: text as is, bytes in the encoding their XML declaration names. */
    private static Optional<InputSource> document(FieldValue value) {
        return switch (value.getKind()) {
            case BYTES -> {
                ByteBuffer bytes = ((ByteBuffer) value.getValue()).duplicate();
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                yield Optional.of(new InputSource(new ByteArrayInputStream(copy)));
            }
            case STRING, JSON, UNKNOWN ->
                    Optional.of(new InputSource(new StringReader(FieldValues.text(value))));
            default -> Optional.empty();
        };
    }

    private static String shown(String text) {
        return text.length() <= MAX_SHOWN_LENGTH
                ? text
                : text.substring(0, MAX_SHOWN_LENGTH - 1) + "…";
    }

    private static Schema compile(String xsd) {
        SchemaFactory factory = SchemaFactory.newDefaultInstance();
        CollectingErrorHandler errors = new CollectingErrorHandler();
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setErrorHandler(errors);
            Schema compiled = factory.newSchema(new StreamSource(new StringReader(xsd)));
            if (errors.isEmpty()) {
                return compiled;
            }
        } catch (SAXParseException e) {
            errors.add(e);
        } catch (SAXException e) {
            errors.add("", e.getMessage());
        }
        throw new IllegalArgumentException(
                "XSD is invalid: "
                        + String.join(" ", errors.problems())
                        + " Fix the schema at these lines; it must be a self-contained W3C XML"
                        + " Schema (imports and includes of other documents are not loaded).");
    }

    private static SAXParserFactory secureParsers() {
        SAXParserFactory factory = SAXParserFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setXIncludeAware(false);
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature(DISALLOW_DOCTYPE, true);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be secured", e);
        }
        return factory;
    }

    /**
     * Keeps every error and fatal error, grouped by position (Xerces reports a bad value twice at
     * the same place); warnings are not violations.
     */
    private static final class CollectingErrorHandler implements ErrorHandler {
        private final Map<String, List<String>> messagesByPosition = new LinkedHashMap<>();
        private final Set<SAXParseException> seen =
                Collections.newSetFromMap(new IdentityHashMap<>());

        /** Adds an error once, though the parser both reports and throws a fatal one. */
        void add(SAXParseException e) {
            if (seen.add(e)) {
                add("line " + e.getLineNumber() + ":" + e.getColumnNumber() + ": ", e.getMessage());
            }
        }

        void add(String position, String message) {
            messagesByPosition.computeIfAbsent(position, p -> new ArrayList<>()).add(message);
        }

        boolean isEmpty() {
            return messagesByPosition.isEmpty();
        }

        /** One text per position: the position and the messages there. */
        List<String> problems() {
            return messagesByPosition.entrySet().stream()
                    .map(entry -> entry.getKey() + String.join(" ", entry.getValue()))
                    .toList();
        }

        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) {
            add(e);
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXParseException {
            add(e);
            throw e;
        }
    }
}
