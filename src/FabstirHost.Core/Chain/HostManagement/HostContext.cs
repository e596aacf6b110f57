using System;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;
using Nethereum.Util;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>
    /// One host on one chain, as every host-management workflow starts: the registry, its pricing
    /// generation (probed once), and the host's record, required to exist where the contract would
    /// refuse a host that is not registered.
    /// </summary>
    public sealed class HostContext
    {
        // How far back to look for the event that removed a host: about a day of Base blocks.
        private const long RemovalSearchBlocks = 50_000;

        private static readonly string NodeUnregisteredTopic = Topic("NodeUnregistered(address,uint256)");
        private static readonly string AutoUnregisteredTopic =
            Topic("HostAutoUnregistered(address,uint256,uint256,string)");

        private PricingGeneration? _generation;

        public HostContext(FabstirChain chain, string address, HostConfig? config = null)
        {
            Chain = chain;
            Address = Addresses.Validate(address, "The host address");
            Config = config;
            Registry = new NodeRegistry(chain);
            Models = new ModelRegistry(chain);
        }

        public FabstirChain Chain { get; }

        public string Address { get; }

        /// <summary>The saved configuration, if any: tells whether this host was registered here.</summary>
        public HostConfig? Config { get; }

        public NodeRegistry Registry { get; }

        public ModelRegistry Models { get; }

        public async Task<PricingGeneration> GenerationAsync(CancellationToken cancellationToken)
        {
            _generation ??= await Registry.ProbeGenerationAsync(cancellationToken).ConfigureAwait(false);
            return _generation.Value;
        }

        public async Task<FabstirNodeRecord> ReadAsync(CancellationToken cancellationToken)
        {
            await Chain.EnsureContractAsync(NodeRegistry.ContractName, Registry.Address, cancellationToken)
                .ConfigureAwait(false);
            return await Registry.GetNodeAsync(Address, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The host's record; <c>HostNotRegistered</c> when the registry has none, with what is known
        /// of why (an unregistration or a slash found in recent blocks, or this machine's record).
        /// </summary>
        public async Task<FabstirNodeRecord> RequireRegisteredAsync(CancellationToken cancellationToken)
        {
            FabstirNodeRecord record = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (record.IsRegistered)
            {
                return record;
            }

            string why = await ExplainAbsenceAsync(cancellationToken).ConfigureAwait(false);
            throw new FabstirException(
                HostManagementErrors.HostNotRegistered,
                FabstirErrorCategory.ObjectNotFound,
                $"{Address} is not registered in the NodeRegistry at {Registry.Address}. {why}Nothing was " +
                "sent.",
                Address)
            {
                RecommendedAction = "Register the host with Register-FabstirHost (it stakes 1000 FAB).",
            };
        }

        /// <summary>
        /// Fails with <c>TransactionsPending</c> while a transaction from the host is sent but not
        /// mined: a plan read now would repeat it or be estimated against a state that may not come.
        /// </summary>
        public Task RequireNothingPendingAsync(CancellationToken cancellationToken)
        {
            return Chain.RequireNothingPendingAsync(Address, cancellationToken);
        }

        /// <summary>
        /// Fails with <c>HostNotActive</c>: the pricing setters refuse an inactive host.
        /// </summary>
        public void RequireActive(FabstirNodeRecord record)
        {
            if (!record.Active)
            {
                throw new FabstirException(
                    HostManagementErrors.HostNotActive,
                    FabstirErrorCategory.InvalidOperation,
                    $"{Address} is registered but not active in the NodeRegistry at {Registry.Address}; " +
                    "the registry refuses price changes from an inactive host. Nothing was sent.",
                    Address);
            }
        }

        /// <summary>A transaction to the NodeRegistry, signed by this host, for a plan.</summary>
        internal HostTransactionStep RegistryStep<TFunction>(
            TFunction function,
            string description,
            bool dependsOnEarlierStep = false)
            where TFunction : Nethereum.Contracts.FunctionMessage, new()
        {
            return HostTransactionStep.Create(
                Chain,
                NodeRegistry.ContractName,
                Registry.Address,
                function,
                description,
                dependsOnEarlierStep);
        }

        /// <summary>
        /// Why the host is missing from the registry, as far as the chain and config.json tell;
        /// empty when nothing is known. Ends with a space when it says something.
        /// </summary>
        internal async Task<string> ExplainAbsenceAsync(CancellationToken cancellationToken)
        {
            string? fromLogs = await FindRemovalAsync(cancellationToken).ConfigureAwait(false);
            if (fromLogs != null)
            {
                return fromLogs + " ";
            }

            bool recordedHere = Config != null && Config.Registered &&
                string.Equals(Config.HostAddress, Address, StringComparison.OrdinalIgnoreCase);
            if (recordedHere)
            {
                return "config.json records it as registered, so it was removed since: a slash that " +
                    "leaves less than the minimum stake unregisters a host automatically (the rest of " +
                    "the stake is returned), or the same key unregistered it elsewhere. ";
            }

            return string.Empty;
        }

        /// <summary>
        /// The latest NodeUnregistered or HostAutoUnregistered event of this host in recent blocks,
        /// in words; null when none is found or the RPC will not search logs.
        /// </summary>
        private async Task<string?> FindRemovalAsync(CancellationToken cancellationToken)
        {
            JArray logs;
            try
            {
                long head = await Chain.GetBlockNumberAsync(cancellationToken).ConfigureAwait(false);
                var filter = new JObject
                {
                    ["address"] = Registry.Address,
                    ["fromBlock"] = new HexBigInteger(Math.Max(0, head - RemovalSearchBlocks)).HexValue,
                    ["toBlock"] = "latest",
                    ["topics"] = new JArray(
                        new JArray(NodeUnregisteredTopic, AutoUnregisteredTopic),
                        "0x" + Address.Substring(2).ToLowerInvariant().PadLeft(64, '0')),
                };
                logs = await Chain.RequestAsync<JArray>("eth_getLogs", cancellationToken, filter)
                    .ConfigureAwait(false);
            }
            catch (FabstirException ex) when (ex.ErrorId == ChainErrors.RpcError)
            {
                Chain.Log.Verbose("The RPC would not search the registry's logs: " + ex.Message);
                return null;
            }

            JToken? last = logs.LastOrDefault();
            if (last == null)
            {
                return null;
            }

            long block = (long)new HexBigInteger((string)last["blockNumber"]!).Value;
            string data = ((string)last["data"]!).RemoveHexPrefix();
            string topic = (string)last["topics"]![0]!;
            if (string.Equals(topic, NodeUnregisteredTopic, StringComparison.OrdinalIgnoreCase))
            {
                return $"It was unregistered in block {block} ({Fab(Word(data, 0))} FAB of stake returned).";
            }

            return $"It was slashed in block {block}: {Fab(Word(data, 0))} FAB taken, which left less " +
                $"than the minimum stake, so the registry unregistered it automatically and returned " +
                $"{Fab(Word(data, 1))} FAB (reason: \"{ReasonText(data)}\").";
        }

        private static BigInteger Word(string data, int index)
        {
            return new HexBigInteger("0x" + data.Substring(index * 64, 64)).Value;
        }

        private static string ReasonText(string data)
        {
            int offset = (int)Word(data, 2) * 2;
            int length = (int)new HexBigInteger("0x" + data.Substring(offset, 64)).Value;
            return Encoding.UTF8.GetString(data.Substring(offset + 64, length * 2).HexToByteArray());
        }

        private static string Fab(BigInteger raw)
        {
            return TokenAmount.ToDecimal(raw, TokenAmount.FabDecimals).ToString(CultureInfo.InvariantCulture);
        }

        private static string Topic(string signature)
        {
            return "0x" + new Sha3Keccack().CalculateHash(Encoding.UTF8.GetBytes(signature)).ToHex();
        }
    }
}
