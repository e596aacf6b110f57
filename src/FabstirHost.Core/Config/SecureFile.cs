using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using Newtonsoft.Json;

namespace FabstirHost.Core.Config
{
    /// <summary>
    /// Owner-only, all-or-nothing file writes. A reader never sees half a file: content goes to a
    /// temporary file in the same folder, is flushed to disk, and is renamed over the target.
    /// </summary>
    public static class SecureFile
    {
        internal const int OwnerReadWrite = 0x180;       // 0600
        private const int OwnerReadWriteExecute = 0x1C0; // 0700

        private static readonly UTF8Encoding Utf8NoBom = new UTF8Encoding(false);

        public static void CreatePrivateDirectory(string path)
        {
            bool existed = Directory.Exists(path);
            Directory.CreateDirectory(path);
            if (!existed)
            {
                SetUnixMode(path, OwnerReadWriteExecute);
            }
        }

        public static void WriteAllTextAtomic(string path, string content)
        {
            string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            CreatePrivateDirectory(directory);
            string temporary = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                // Create the file with owner-only permissions before any content reaches it.
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    SetUnixMode(temporary, OwnerReadWrite);
                    byte[] bytes = Utf8NoBom.GetBytes(content);
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(flushToDisk: true);
                }

                ReplaceFile(temporary, path);
            }
            catch
            {
                TryDelete(temporary);
                throw;
            }
        }

        public static void WriteJsonAtomic<T>(string path, T value)
        {
            WriteAllTextAtomic(path, JsonConvert.SerializeObject(value, JsonSettings.Indented));
        }

        /// <summary>
        /// Reads a JSON file, or returns null when it does not exist. A file that exists but cannot
        /// be parsed is reported with its path and left untouched for the user to inspect.
        /// </summary>
        public static T? ReadJsonOrDefault<T>(string path, string damagedErrorId)
            where T : class
        {
            string text;
            try
            {
                text = File.ReadAllText(path, Encoding.UTF8);
            }
            catch (FileNotFoundException)
            {
                return null;
            }
            catch (DirectoryNotFoundException)
            {
                return null;
            }

            try
            {
                T? value = JsonConvert.DeserializeObject<T>(text, JsonSettings.Indented);
                if (value == null)
                {
                    throw new JsonSerializationException("The file holds no JSON object.");
                }

                return value;
            }
            catch (JsonException ex)
            {
                throw new FabstirException(
                    damagedErrorId,
                    FabstirErrorCategory.InvalidData,
                    $"The file '{path}' is damaged and was left as it is: {ex.Message} " +
                    "Repair it, or move it aside to start afresh.",
                    path,
                    ex);
            }
        }

        public static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        private static void ReplaceFile(string source, string destination)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                if (File.Exists(destination))
                {
                    File.Replace(source, destination, null, ignoreMetadataErrors: true);
                }
                else
                {
                    File.Move(source, destination);
                }

                return;
            }

            // rename(2) replaces the target atomically; File.Move cannot overwrite on netstandard2.0.
            if (NativeMethods.rename(source, destination) != 0)
            {
                throw new IOException($"Could not move '{source}' to '{destination}' (errno {Marshal.GetLastWin32Error()}).");
            }
        }

        internal static void SetUnixMode(string path, int mode)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return; // The user profile's inherited ACL already limits access on Windows.
            }

            if (NativeMethods.chmod(path, mode) != 0)
            {
                throw new IOException($"Could not restrict the permissions of '{path}' (errno {Marshal.GetLastWin32Error()}).");
            }
        }

        private static class NativeMethods
        {
            [DllImport("libc", SetLastError = true)]
            internal static extern int chmod(string path, int mode);

            [DllImport("libc", SetLastError = true)]
            internal static extern int rename(string oldPath, string newPath);
        }
    }
}
