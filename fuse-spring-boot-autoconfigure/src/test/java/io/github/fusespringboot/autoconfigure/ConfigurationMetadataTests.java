package io.github.fusespringboot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;
import org.springframework.boot.configurationmetadata.Deprecation;
import org.springframework.boot.configurationmetadata.ValueHint;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata (what IDEs complete and check) against what the README documents and what
 * the samples set: every documented key has an entry, none is deprecated, closed value sets are hinted.
 */
class ConfigurationMetadataTests {

    private static final Path README = Path.of("../README.md");

    private static final Path SAMPLES = Path.of("../samples");

    /** Namespaces whose keys must be known: ours and Spring Boot's (a sample's own keys are its business). */
    private static final Pattern CHECKED_KEY = Pattern.compile("(fuse|management|spring|server|logging)\\.[a-z0-9.<>\\[\\]-]+");

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private static final Pattern ASSIGNMENT = Pattern.compile("`((?:fuse|management|spring)\\.[a-z0-9.<>-]+)=([^`]*)`");

    /** Every property of every META-INF/spring-configuration-metadata.json on the test class path. */
    private static Map<String, ConfigurationMetadataProperty> properties;

    @BeforeAll
    static void readMetadata() throws IOException {
        ConfigurationMetadataRepositoryJsonBuilder builder = ConfigurationMetadataRepositoryJsonBuilder.create();
        for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
            .getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                builder.withJsonResource(in);
            }
        }
        properties = builder.build().getAllProperties();
        assertThat(properties).as("our own metadata and Spring Boot's").containsKeys("fuse.enabled", "spring.main.keep-alive");
    }

    @Test
    void everyPropertyTheReadmeDocumentsHasANonDeprecatedMetadataEntry() throws IOException {
        Map<String, String> documented = documentedProperties(Files.readAllLines(README));
        assertThat(documented).as("properties found in the README").hasSizeGreaterThan(25)
            .containsKeys("fuse.enabled", "fuse.mounts.<name>.mount-point", "management.health.fuse.enabled");
        documented.forEach((key, value) -> {
            assertThat(problemWith(key)).as("%s in the README", key).isNull();
            if (value != null) {
                assertValueIsAccepted(key, value, resolve(key));
            }
        });
    }

    @Test
    void samplesSetNoDeprecatedOrUnknownKey() throws IOException {
        List<Path> files = sampleConfigurationFiles();
        assertThat(files).as("the samples' application.yml files").hasSizeGreaterThanOrEqualTo(3);
        YamlPropertySourceLoader loader = new YamlPropertySourceLoader();
        for (Path file : files) {
            for (PropertySource<?> source : loader.load(file.toString(), new FileSystemResource(file))) {
                for (String key : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
                    String name = key.replaceAll("\\[\\d+]", "");
                    if (CHECKED_KEY.matcher(name).matches()) {
                        assertThat(problemWith(name)).as("%s in %s", key, file).isNull();
                    }
                }
            }
        }
    }

    @Test
    void everyPropertyWithAClosedSetOfValuesHasHintsForAllOfThem() {
        // the engine's enums; an IDE lists the constants of Spring's own (Access) without help
        List<ConfigurationMetadataProperty> enums = ours().stream()
            .filter((property) -> enumType(property) != null && property.getType().startsWith("io.github.fusespringboot."))
            .toList();
        assertThat(enums).extracting(ConfigurationMetadataProperty::getId)
            .contains("fuse.mount-strategy", "fuse.clean-stale-mounts");
        assertThat(enums).allSatisfy((property) -> {
            List<String> constants = Arrays.stream(enumType(property).getEnumConstants())
                .map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .toList();
            assertThat(property.getHints().getValueHints()).as(property.getId())
                .extracting(ValueHint::getValue)
                .containsExactlyInAnyOrderElementsOf(constants);
            assertThat(property.getHints().getValueHints()).as(property.getId())
                .allSatisfy((hint) -> assertThat(hint.getDescription()).isNotBlank().endsWith("."));
        });
    }

    @Test
    void ourDescriptionsFollowSpringBootsStyle() {
        assertThat(ours()).extracting(ConfigurationMetadataProperty::getId)
            .contains("management.health.fuse.enabled", "management.endpoint.fuse.access");
        assertThat(ours()).allSatisfy((property) -> {
            assertThat(property.getDescription()).as(property.getId()).isNotBlank().endsWith(".");
            if ("java.lang.Boolean".equals(property.getType())) {
                assertThat(property.getDescription()).as(property.getId()).startsWith("Whether");
            }
        });
    }

    /**
     * Keys the README documents (with the value shown, or null): the cells of every table column headed
     * "property", table headers that are a key, and every {@code `key=value`} in the text.
     */
    static Map<String, String> documentedProperties(List<String> lines) {
        Map<String, String> documented = new LinkedHashMap<>();
        List<Integer> propertyColumns = List.of();
        boolean inTable = false;
        for (String line : lines) {
            if (!line.startsWith("|")) {
                inTable = false;
            }
            else if (!inTable) {
                inTable = true;
                List<String> header = cells(line);
                List<Integer> columns = new ArrayList<>();
                for (int i = 0; i < header.size(); i++) {
                    if (header.get(i).equals("property")) {
                        columns.add(i);
                    }
                    collectKeys(header.get(i), documented);
                }
                propertyColumns = columns;
            }
            else {
                List<String> row = cells(line);
                for (int column : propertyColumns) {
                    if (column < row.size()) {
                        collectKeys(row.get(column), documented);
                    }
                }
            }
            Matcher assignment = ASSIGNMENT.matcher(line);
            while (assignment.find()) {
                documented.put(assignment.group(1), assignment.group(2));
            }
        }
        return documented;
    }

    private static void collectKeys(String cell, Map<String, String> documented) {
        Matcher code = CODE.matcher(cell);
        while (code.find()) {
            String[] keyAndValue = code.group(1).split("=", 2);
            if (CHECKED_KEY.matcher(keyAndValue[0]).matches()) {
                documented.putIfAbsent(keyAndValue[0], (keyAndValue.length == 2) ? keyAndValue[1] : null);
            }
        }
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        return Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList();
    }

    /** What is wrong with a key ("no metadata entry", "deprecated ..."), or null when nothing is. */
    private static String problemWith(String key) {
        ConfigurationMetadataProperty property = resolve(key);
        if (property == null) {
            return "no metadata entry";
        }
        Deprecation deprecation = property.getDeprecation();
        if (deprecation != null) {
            return "deprecated (" + deprecation.getLevel() + "), replaced by " + deprecation.getReplacement();
        }
        return null;
    }

    /**
     * The entry for a key: the property itself, or, below a {@code Map<String, T>} property (such as
     * {@code fuse.mounts.<name>.mount-point}), the map's entry when T has the nested property.
     */
    private static ConfigurationMetadataProperty resolve(String key) {
        ConfigurationMetadataProperty exact = properties.get(key);
        if (exact != null) {
            return exact;
        }
        for (ConfigurationMetadataProperty map : properties.values()) {
            String type = map.getType();
            if (type == null || !type.startsWith("java.util.Map<java.lang.String,") || !key.startsWith(map.getId() + ".")) {
                continue;
            }
            String[] path = key.substring(map.getId().length() + 1).split("\\.");
            String valueType = type.substring("java.util.Map<java.lang.String,".length(), type.length() - 1);
            if (path.length == 1 || hasNestedProperty(valueType, Arrays.copyOfRange(path, 1, path.length))) {
                return map;
            }
        }
        return null;
    }

    private static boolean hasNestedProperty(String typeName, String[] path) {
        try {
            Class<?> type = Class.forName(typeName);
            for (String segment : path) {
                type = getter(type, segment).getReturnType();
            }
            return true;
        }
        catch (ReflectiveOperationException | IllegalArgumentException ex) {
            return false;
        }
    }

    private static Method getter(Class<?> type, String kebab) throws NoSuchMethodException {
        StringBuilder camel = new StringBuilder();
        for (String word : kebab.split("-")) {
            camel.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        try {
            return type.getMethod("get" + camel);
        }
        catch (NoSuchMethodException ex) {
            return type.getMethod("is" + camel);
        }
    }

    private static void assertValueIsAccepted(String key, String value, ConfigurationMetadataProperty property) {
        Class<?> enumType = enumType(property);
        if (enumType != null) {
            assertThat(Arrays.stream(enumType.getEnumConstants()).map((constant) -> ((Enum<?>) constant).name()))
                .as("%s=%s", key, value)
                .contains(value.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
        else if ("java.lang.Boolean".equals(property.getType())) {
            assertThat(value).as(key).isIn("true", "false");
        }
    }

    private static Class<?> enumType(ConfigurationMetadataProperty property) {
        try {
            Class<?> type = Class.forName(property.getType());
            return type.isEnum() ? type : null;
        }
        catch (ClassNotFoundException | NullPointerException ex) {
            return null;
        }
    }

    /** Our own entries: the fuse.* properties and the ones of the fuse health contributor and endpoint. */
    private static List<ConfigurationMetadataProperty> ours() {
        return properties.values().stream()
            .filter((property) -> property.getId().startsWith("fuse.")
                    || property.getId().startsWith("management.health.fuse.")
                    || property.getId().startsWith("management.endpoint.fuse."))
            .toList();
    }

    private static List<Path> sampleConfigurationFiles() throws IOException {
        try (Stream<Path> files = Files.walk(SAMPLES)) {
            return files.filter((file) -> file.toString().contains("/src/main/resources/"))
                .filter((file) -> file.getFileName().toString().matches("application.*\\.ya?ml"))
                .sorted()
                .toList();
        }
    }

}
