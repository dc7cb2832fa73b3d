package io.github.fusespringboot;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Maven Central asks of the published artifacts: a licence, the project's own metadata in the
 * parent POM (not Spring Boot's, which the starter parent would otherwise pass on), and sources and
 * javadoc jars built for every module but the samples.
 */
class PublicationTests {

    private static final Path ROOT = Path.of("..");

    @Test
    void theLicenceIsApache2() throws Exception {
        String licence = Files.readString(ROOT.resolve("LICENSE"));
        assertThat(licence).contains("Apache License", "Version 2.0, January 2004", "END OF TERMS AND CONDITIONS");
    }

    @Test
    void theParentPomDeclaresTheProjectsOwnMetadata() throws Exception {
        XPath pom = XPathFactory.newInstance().newXPath();
        Document parent = read(ROOT.resolve("pom.xml"));
        String repository = pom.evaluate("/project/properties/project.repository", parent);
        assertThat(repository).matches("[\\w.-]+/[\\w.-]+");
        assertThat(pom.evaluate("/project/url", parent)).isEqualTo("https://github.com/${project.repository}");
        assertThat(pom.evaluate("/project/licenses/license/name", parent)).isEqualTo("Apache License, Version 2.0");
        assertThat(pom.evaluate("/project/developers/developer/name", parent)).isNotBlank();
        assertThat(pom.evaluate("/project/developers/developer/url", parent)).contains("${project.repository}");
        assertThat(pom.evaluate("/project/scm/connection", parent)).contains("${project.repository}");
        assertThat(pom.evaluate("/project/scm/url", parent)).contains("${project.repository}");
        assertThat(pom.evaluate("/project/issueManagement/url", parent)).contains("${project.repository}");
        // inherited as they are, not with each module's artifactId appended
        assertThat(pom.evaluate("/project/@child.project.url.inherit.append.path", parent)).isEqualTo("false");
        assertThat(pom.evaluate("/project/scm/@child.scm.url.inherit.append.path", parent)).isEqualTo("false");
    }

    @Test
    void sourcesAndJavadocJarsAreBuiltForEveryModuleButTheSamples() throws Exception {
        XPath pom = XPathFactory.newInstance().newXPath();
        Document parent = read(ROOT.resolve("pom.xml"));
        for (String plugin : new String[] { "maven-source-plugin", "maven-javadoc-plugin" }) {
            NodeList goals = (NodeList) pom.evaluate("/project/build/plugins/plugin[artifactId='" + plugin
                    + "']/executions/execution/goals/goal", parent, XPathConstants.NODESET);
            assertThat(goals.getLength()).as(plugin + " runs in every build").isPositive();
        }
        // the starter has no code: its two jars hold a README saying where the code is
        Document starter = read(ROOT.resolve("fuse-spring-boot-starter/pom.xml"));
        NodeList classifiers = (NodeList) pom.evaluate("/project/build/plugins/plugin[artifactId='maven-jar-plugin']"
                + "/executions/execution/configuration/classifier", starter, XPathConstants.NODESET);
        assertThat(classifiers.getLength()).isEqualTo(2);
        assertThat(classifiers.item(0).getTextContent() + " " + classifiers.item(1).getTextContent())
            .isEqualTo("sources javadoc");
        assertThat(ROOT.resolve("fuse-spring-boot-starter/src/publish/README.txt")).isNotEmptyFile();
        Document samples = read(ROOT.resolve("samples/pom.xml"));
        assertThat(pom.evaluate("/project/properties/maven.deploy.skip", samples)).isEqualTo("true");
        assertThat(pom.evaluate("/project/properties/maven.source.skip", samples)).isEqualTo("true");
        assertThat(pom.evaluate("/project/properties/maven.javadoc.skip", samples)).isEqualTo("true");
    }

    private static Document read(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

}
