// Checks of readdir on big directories: 10,000 entries each once, seekdir/telldir, entries changing mid-read.
package io.github.fusespringboot.test.conformance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.fusespringboot.test.conformance.natives.DirectoryStream;

import static io.github.fusespringboot.test.conformance.Capability.BIG_DIRECTORIES;
import static io.github.fusespringboot.test.conformance.Flags.O_CREAT;
import static io.github.fusespringboot.test.conformance.Flags.O_EXCL;
import static io.github.fusespringboot.test.conformance.Flags.O_WRONLY;

/**
 * {@link Capability#BIG_DIRECTORIES}. POSIX readdir: an entry neither added nor removed since
 * opendir is returned exactly once; one added or removed meanwhile may or may not be.
 */
final class BigDirectoryChecks {

    private static final int BIG = 10_000;

    private static final int CHANGING = 1_000;

    private BigDirectoryChecks() {
    }

    static List<Check> checks() {
        return List.of(Check.of(BIG_DIRECTORIES,
                "readdir of " + BIG + " entries returns each once; seekdir to a telldir position resumes there", (s) -> {
                    String dir = s.dir("big");
                    Set<String> made = create(dir, "e", BIG);
                    DirectoryStream stream = Posix.opendir(dir).ok();
                    try {
                        List<String> names = new ArrayList<>();
                        List<Long> positions = new ArrayList<>();
                        while (true) {
                            long position = stream.tell();
                            DirectoryStream.Entry entry = stream.next();
                            if (entry == null) {
                                break;
                            }
                            if (!entry.name().equals(".") && !entry.name().equals("..")) {
                                names.add(entry.name());
                                positions.add(position);
                            }
                        }
                        onceEach("readdir(opendir(\"" + dir + "\"))", made, names);
                        for (int at : new int[] { BIG / 4, BIG * 3 / 4, 1 }) {
                            stream.seek(positions.get(at));
                            List<String> resumed = new ArrayList<>();
                            for (int i = 0; i < 50; i++) {
                                DirectoryStream.Entry entry = stream.next();
                                resumed.add((entry == null) ? null : entry.name());
                            }
                            Expect.equal("50 entries readdir gives after seekdir(dir, " + positions.get(at)
                                    + ") to the telldir position of entry " + at, names.subList(at, at + 50), resumed);
                        }
                    }
                    finally {
                        stream.close();
                    }
                }), Check.of(BIG_DIRECTORIES,
                        "entries added and removed during readdir: every untouched entry is returned exactly once",
                        (s) -> {
                            String dir = s.dir("changing");
                            Set<String> made = create(dir, "e", CHANGING);
                            DirectoryStream stream = Posix.opendir(dir).ok();
                            List<String> names = new ArrayList<>();
                            Set<String> removed = new HashSet<>();
                            Set<String> added;
                            try {
                                for (int i = 0; i < CHANGING * 3 / 10; i++) {
                                    DirectoryStream.Entry entry = stream.next();
                                    Expect.isTrue("readdir(opendir(\"" + dir + "\")) entry " + i, entry != null,
                                            "an entry (" + CHANGING + " were made)", "the end of the directory");
                                    if (!entry.name().equals(".") && !entry.name().equals("..")) {
                                        names.add(entry.name());
                                    }
                                }
                                // remove some already read and some not yet read, then add new ones
                                Set<String> unread = new HashSet<>(made);
                                unread.removeAll(names);
                                names.stream().limit(50).forEach(removed::add);
                                unread.stream().sorted().limit(50).forEach(removed::add);
                                for (String name : removed) {
                                    Posix.unlink(dir + "/" + name).ok();
                                }
                                added = create(dir, "n", 100);
                                for (DirectoryStream.Entry entry = stream.next(); entry != null; entry = stream.next()) {
                                    if (!entry.name().equals(".") && !entry.name().equals("..")) {
                                        names.add(entry.name());
                                    }
                                }
                            }
                            finally {
                                stream.close();
                            }
                            Map<String, Integer> counts = new HashMap<>();
                            names.forEach((name) -> counts.merge(name, 1, Integer::sum));
                            for (String name : made) {
                                int count = counts.getOrDefault(name, 0);
                                if (removed.contains(name)) {
                                    Expect.isTrue("times readdir returned \"" + name + "\" (removed while reading)",
                                            count <= 1, "at most 1", count);
                                }
                                else {
                                    Expect.equal("times readdir returned \"" + name + "\" (untouched while reading)", 1,
                                            count);
                                }
                            }
                            for (String name : counts.keySet()) {
                                Expect.isTrue("entry \"" + name + "\" readdir returned",
                                        made.contains(name) || (added.contains(name) && counts.get(name) == 1),
                                        "one of the entries made, or added once", name + " x " + counts.get(name));
                            }
                        }));
    }

    private static Set<String> create(String dir, String prefix, int count) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String name = String.format("%s%05d", prefix, i);
            Posix.close(Posix.open(dir + "/" + name, O_WRONLY | O_CREAT | O_EXCL, 0644).ok()).ok();
            names.add(name);
        }
        return names;
    }

    private static void onceEach(String what, Set<String> expected, List<String> actual) {
        Map<String, Integer> counts = new HashMap<>();
        actual.forEach((name) -> counts.merge(name, 1, Integer::sum));
        List<String> missing = expected.stream().filter((n) -> !counts.containsKey(n)).sorted().limit(5).toList();
        List<String> twice = counts.entrySet().stream().filter((e) -> e.getValue() > 1).map(Map.Entry::getKey).sorted()
            .limit(5).toList();
        List<String> unknown = counts.keySet().stream().filter((n) -> !expected.contains(n)).sorted().limit(5).toList();
        Expect.equal(what + ": entries missing, returned twice, unknown (first 5 of each)", "[] [] []",
                missing + " " + twice + " " + unknown);
        Expect.equal(what + ": number of entries", expected.size(), actual.size());
    }

}
