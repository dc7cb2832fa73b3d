// Child JVM for RootlessUserNamespaceMountTest: the default direct mount inside a user namespace.
package io.github.fusespringboot.mount;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import io.github.fusespringboot.mount.natives.Native;
import ru.serce.jnrfuse.examples.HelloFuse;

/**
 * {@code RootlessScenario <root directory> <result file>}: mounts jnr-fuse's {@code HelloFuse} with
 * the default strategy (direct), reads through it, records what the mount looks like from inside the
 * namespace (mountinfo's options, the owner of its root), does the same with {@code allow_other}, and
 * unmounts; the result is a properties file. Meant to run as a normal user in {@code unshare -Urm}.
 */
public final class RootlessScenario {

    private RootlessScenario() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Properties result = new Properties();
        result.setProperty("uid", Integer.toString(Native.effectiveUid()));
        result.setProperty("uidMap", Files.readString(Path.of("/proc/self/uid_map")).trim().replaceAll("\\s+", " "));
        try (MountManager manager = new MountManager()) {
            HelloFuse fs = new HelloFuse();
            mountReadUnmount(manager, fs, root, "plain", List.of(), result);
            mountReadUnmount(manager, fs, root, "allowOther", List.of("allow_other"), result);
        }
        catch (Throwable ex) {
            result.setProperty("error", ex.toString());
            ex.printStackTrace();
        }
        result.setProperty("leaks", FuseTestExtension.leaks(root).toString());
        try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            result.store(out, "rootless");
        }
        // daemon threads only; exit without waiting for idle pools
        System.exit(0);
    }

    private static void mountReadUnmount(MountManager manager, HelloFuse fs, Path root, String name,
            List<String> options, Properties result) throws Exception {
        Path dir = Files.createDirectory(root.resolve(name));
        MountSpec spec = MountSpec.builder(name, dir, fs).options(options).build();
        result.setProperty(name + ".strategy", spec.mountStrategy().name());
        FuseMount mount = manager.mount(spec);
        result.setProperty(name + ".state", mount.state().name());
        result.setProperty(name + ".read", Files.readString(dir.resolve("hello")));
        result.setProperty(name + ".rootOwner", Files.getOwner(dir).getName());
        result.setProperty(name + ".options", superOptions(dir));
        result.setProperty(name + ".type", MountTable.read().find(dir).orElseThrow().type());
        mount.unmount();
        result.setProperty(name + ".after", mount.state().name());
        result.setProperty(name + ".stillMounted", Boolean.toString(MountTable.read().find(dir).isPresent()));
    }

    /** The mount's super options in /proc/self/mountinfo (after the " - type source " separator). */
    private static String superOptions(Path dir) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields.length > 4 && fields[4].equals(dir.toString())) {
                String[] after = line.substring(line.indexOf(" - ") + 3).split(" ");
                return after[after.length - 1];
            }
        }
        return "not found";
    }

}
