using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace FabstirHost.Core.Models
{
    /// <summary>Checks on a local model file: that it is GGUF, and its SHA-256.</summary>
    public static class ModelFile
    {
        private const int BufferSize = 1 << 20;

        private static readonly byte[] GgufMagic = { (byte)'G', (byte)'G', (byte)'U', (byte)'F' };

        /// <summary>
        /// The error for a model path that names a folder: ModelFileNotFound, as for a missing file,
        /// saying to give the file itself (with <paramref name="parameter"/>, when one is named).
        /// </summary>
        public static FabstirException FolderError(string path, string? parameter)
        {
            string with = parameter == null ? string.Empty : " with " + parameter;
            return new FabstirException(
                "ModelFileNotFound",
                FabstirErrorCategory.ObjectNotFound,
                $"The model path '{path}' is a folder, not a file. Give the path of the GGUF model file " +
                $"itself{with}.",
                path);
        }

        /// <summary>
        /// Throws ModelFileNotFound (also for a folder), ModelFileUnreadable or ModelFileNotGguf unless
        /// the file exists, can be read and starts with "GGUF".
        /// </summary>
        public static void EnsureGguf(string path)
        {
            if (Directory.Exists(path))
            {
                throw FolderError(path, null);
            }

            byte[] head = new byte[GgufMagic.Length];
            int read;
            try
            {
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                {
                    read = stream.Read(head, 0, head.Length);
                }
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new FabstirException(
                    "ModelFileUnreadable",
                    FabstirErrorCategory.PermissionDenied,
                    $"The model file '{path}' cannot be read by this user: {ex.Message} Give this user " +
                    $"read access (for example 'chmod o+r {path}'), or copy the file somewhere it can read.",
                    path,
                    ex);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                throw new FabstirException(
                    "ModelFileNotFound",
                    FabstirErrorCategory.ObjectNotFound,
                    $"The model file '{path}' does not exist. Download the model, or give the path of " +
                    "its .gguf file.",
                    path,
                    ex);
            }

            if (read < head.Length || head[0] != GgufMagic[0] || head[1] != GgufMagic[1] ||
                head[2] != GgufMagic[2] || head[3] != GgufMagic[3])
            {
                throw new FabstirException(
                    "ModelFileNotGguf",
                    FabstirErrorCategory.InvalidData,
                    $"The model file '{path}' is not a GGUF model: it does not start with the bytes " +
                    "'GGUF'. It may be incomplete, or another format; the node loads only GGUF files.",
                    path);
            }
        }

        /// <summary>
        /// The SHA-256 of the whole file as 0x and 64 hex digits, read in 1 MiB blocks, reporting
        /// progress as a percentage (big models take minutes).
        /// </summary>
        public static async Task<string> ComputeSha256Async(
            string path, IOperationLog? log, CancellationToken cancellationToken)
        {
            log ??= NullOperationLog.Instance;
            var activity = $"Hashing {Path.GetFileName(path)}";
            using (var sha = SHA256.Create())
            using (var stream = new FileStream(
                path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true))
            {
                long length = stream.Length;
                long done = 0;
                int lastPercent = -1;
                byte[] buffer = new byte[BufferSize];
                int read;
                while ((read = await stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken)
                    .ConfigureAwait(false)) > 0)
                {
                    sha.TransformBlock(buffer, 0, read, null, 0);
                    done += read;
                    int percent = length == 0 ? 100 : (int)(done * 100 / length);
                    if (percent != lastPercent)
                    {
                        lastPercent = percent;
                        string status = $"{done / (1 << 20)} of {length / (1 << 20)} MiB";
                        log.Progress(new OperationProgress(activity, status, percent));
                    }
                }

                sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
                log.Progress(new OperationProgress(activity, "Done", 100, completed: true));
                return "0x" + BitConverter.ToString(sha.Hash!).Replace("-", string.Empty).ToLowerInvariant();
            }
        }
    }
}
