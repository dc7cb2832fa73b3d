// The --name=value switches of the throughput and idle scenarios, with their defaults.
package io.github.fusespringboot.samples.seedbench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.convert.DurationStyle;

/** Reads one scenario switch (the last value given wins), failing with the switch's name on bad input. */
record ScenarioArguments(ApplicationArguments args) {

    String text(String name, String fallback) {
        List<String> values = this.args.getOptionValues(name);
        return (values == null || values.isEmpty()) ? fallback : values.get(values.size() - 1);
    }

    /** Every value of a repeatable switch, in the order given (none: an empty list). */
    List<String> texts(String name) {
        List<String> values = this.args.getOptionValues(name);
        return (values == null) ? List.of() : List.copyOf(values);
    }

    long positive(String name, long fallback) {
        String value = text(name, Long.toString(fallback));
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 1) {
                return parsed;
            }
        }
        catch (NumberFormatException ex) {
            // reported below
        }
        throw new IllegalArgumentException("--" + name + " must be a whole number of at least 1, not " + value);
    }

    List<Integer> positives(String name, String fallback) {
        String value = text(name, fallback);
        try {
            List<Integer> parsed = Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf).toList();
            if (!parsed.isEmpty() && parsed.stream().allMatch((n) -> n >= 1)) {
                return parsed;
            }
        }
        catch (NumberFormatException ex) {
            // reported below
        }
        throw new IllegalArgumentException("--" + name + " must be a comma-separated list of whole numbers >= 1, not " + value);
    }

    Duration duration(String name, String fallback) {
        return DurationStyle.detectAndParse(text(name, fallback));
    }

}
