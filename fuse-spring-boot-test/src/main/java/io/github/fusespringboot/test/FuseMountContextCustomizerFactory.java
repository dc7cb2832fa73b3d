// Spring TestContext hook: gives the context of a @FuseMountTest class mount points in a temporary directory.
package io.github.fusespringboot.test;

import java.util.List;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Registered in {@code META-INF/spring.factories}; acts only for test classes annotated (directly,
 * through a meta-annotation or an enclosing class) with {@link FuseMountTest}.
 */
public final class FuseMountContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return TestContextAnnotationUtils.hasAnnotation(testClass, FuseMountTest.class)
                ? new FuseMountContextCustomizer(testClass) : null;
    }

}
