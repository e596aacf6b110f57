using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Network
{
    /// <summary>What the chain checks get to work with.</summary>
    public sealed class ChainDiagnosticsContext
    {
        public ChainDiagnosticsContext(HostConfig? config, Uri? publicUrl, string? modelPath)
        {
            Config = config;
            PublicUrl = publicUrl;
            ModelPath = modelPath;
        }

        /// <summary>The saved configuration: chain profile, host address, models, prices.</summary>
        public HostConfig? Config { get; }

        /// <summary>The URL the node is reached at, to compare with the one registered on chain.</summary>
        public Uri? PublicUrl { get; }

        /// <summary>The model file the node loads, to compare with the models registered.</summary>
        public string? ModelPath { get; }
    }

    /// <summary>
    /// The chain checks of <c>Get-FabstirDiagnostics</c>, implemented by the chain layer. Expected, in
    /// this order, each as a diagnostic in area Chain: RPC reachable, chain id, contract code,
    /// registered, on-chain URL equals the configured URL, registered models include the loaded
    /// model, prices set, ETH enough for gas. Until an implementation is supplied every one of them
    /// is reported as Skip.
    /// </summary>
    public interface IChainDiagnostics
    {
        Task<IReadOnlyList<FabstirDiagnostic>> CheckAsync(
            ChainDiagnosticsContext context,
            CancellationToken cancellationToken);
    }

    /// <summary>
    /// The chain's record of a model file, implemented by the chain layer: the SHA-256 registered for
    /// the model this file is (by its file name), or null when the chain does not know the model.
    /// </summary>
    public interface IModelHashSource
    {
        Task<string?> ExpectedSha256Async(string modelPath, CancellationToken cancellationToken);
    }

    /// <summary>The chain checks reported while no chain layer is plugged in.</summary>
    internal static class SkippedChainChecks
    {
        public const string Detail = "chain checks need a chain profile";

        public static readonly string[] Names =
        {
            "RPC reachable", "Chain id", "Contract code", "Registered", "On-chain URL", "Model registered",
            "Prices set", "ETH for gas",
        };
    }
}
