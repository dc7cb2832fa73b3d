// Matches on Linux only: the engine mounts with Linux's mount(2) and /dev/fuse.
package io.github.fusespringboot.autoconfigure;

import java.util.Locale;
import java.util.function.Supplier;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * A condition that matches when the JVM runs on Linux.
 */
class OnLinuxCondition extends SpringBootCondition {

    private final Supplier<String> osName;

    OnLinuxCondition() {
        this(() -> System.getProperty("os.name", ""));
    }

    OnLinuxCondition(Supplier<String> osName) {
        this.osName = osName;
    }

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        String name = this.osName.get();
        ConditionMessage.Builder message = ConditionMessage.forCondition("Linux");
        if (name.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return ConditionOutcome.match(message.foundExactly("operating system " + name));
        }
        return ConditionOutcome.noMatch(message.because("the operating system is " + name + ", not Linux"));
    }

}
