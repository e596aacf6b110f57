using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Models;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>The outcome of checking a local model file against the ModelRegistry.</summary>
    public sealed class FabstirModelTest
    {
        internal FabstirModelTest(string path)
        {
            Path = path;
        }

        public string Path { get; }

        /// <summary>repo:file of the model the file was checked against; null when none was found.</summary>
        public string? Model { get; internal set; }

        public string? ModelId { get; internal set; }

        public bool IsGguf { get; internal set; }

        /// <summary>False for a deactivated model: the registry refuses hosts advertising it.</summary>
        public bool Approved { get; internal set; }

        public string? ExpectedSha256 { get; internal set; }

        public string? ActualSha256 { get; internal set; }

        public bool HashMatches { get; internal set; }

        /// <summary>True when the file is GGUF, its hash matches the chain's and the model is approved.</summary>
        public bool Passed => IsGguf && HashMatches && Approved;

        /// <summary>Why it did not pass; null when it did.</summary>
        public string? Reason { get; internal set; }

        public override string ToString() => Passed ? $"{Path}: {Model} OK" : $"{Path}: {Reason}";
    }

    /// <summary>Lists the registry's models and checks local model files against them.</summary>
    public static class ModelCheck
    {
        /// <summary>
        /// Checks the GGUF magic, finds the model (given, else by file name), and compares the
        /// file's SHA-256, read in blocks with progress, to the registry's hash.
        /// </summary>
        public static async Task<FabstirModelTest> TestAsync(
            FabstirChain chain,
            string path,
            string? model,
            IOperationLog log,
            CancellationToken cancellationToken)
        {
            var result = new FabstirModelTest(System.IO.Path.GetFullPath(path));
            try
            {
                ModelFile.EnsureGguf(result.Path);
                result.IsGguf = true;
            }
            catch (FabstirException ex) when (ex.ErrorId == "ModelFileNotGguf")
            {
                return Fail(result, ex.Message, log);
            }

            FabstirModel? known = await FindAsync(chain, result.Path, model, cancellationToken)
                .ConfigureAwait(false);
            if (known == null)
            {
                string what = model ?? System.IO.Path.GetFileName(result.Path);
                return Fail(result, $"The ModelRegistry at {chain.Profile.ModelRegistry} knows no model " +
                    $"'{what}'; give its repo:file with -Model.", log);
            }

            result.Model = known.Spec;
            result.ModelId = known.Id;
            result.Approved = known.Approved;
            result.ExpectedSha256 = known.Sha256;
            log.Verbose($"Hashing '{result.Path}' to compare with {known.Spec} ({known.Sha256}).");
            result.ActualSha256 = await ModelFile.ComputeSha256Async(result.Path, log, cancellationToken)
                .ConfigureAwait(false);
            result.HashMatches =
                string.Equals(result.ActualSha256, known.Sha256, StringComparison.OrdinalIgnoreCase);
            if (!result.HashMatches)
            {
                return Fail(result, $"The file's SHA-256 {result.ActualSha256} differs from the registry's " +
                    $"{known.Sha256} for {known.Spec}: the file is another build, damaged or incomplete.",
                    log);
            }

            if (!known.Approved)
            {
                return Fail(result, $"The file matches {known.Spec}, but the model is deactivated in the " +
                    "registry: hosts cannot advertise it.", log);
            }

            log.Verbose($"'{result.Path}' is {known.Spec}: GGUF, hash matches, approved.");
            return result;
        }

        private static async Task<FabstirModel?> FindAsync(
            FabstirChain chain,
            string path,
            string? model,
            CancellationToken cancellationToken)
        {
            var registry = new ModelRegistry(chain);
            await chain.EnsureContractAsync(ModelRegistry.ContractName, registry.Address, cancellationToken)
                .ConfigureAwait(false);
            if (model != null)
            {
                return await registry.GetModelAsync(HostPricingPlanner.ModelId(model), cancellationToken)
                    .ConfigureAwait(false);
            }

            return await new LoadedModelFinder(chain, null).FindAsync(path, cancellationToken)
                .ConfigureAwait(false);
        }

        private static FabstirModelTest Fail(FabstirModelTest result, string reason, IOperationLog log)
        {
            result.Reason = reason;
            log.Verbose(reason);
            return result;
        }
    }
}
