using System;
using System.Management.Automation;
using FabstirHost.Core.Chain;

namespace FabstirHost
{
    /// <summary>
    /// Base of the cmdlets that send transactions: how long and how deep each receipt is awaited.
    /// </summary>
    public abstract class FabstirTransactionCmdlet : FabstirChainCmdlet
    {
        /// <summary>
        /// <para type="description">Blocks that must exist from each transaction's block on before the next step (1 = mined).</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int Confirmations { get; set; } = 1;

        /// <summary>
        /// <para type="description">Seconds to wait for each transaction's receipt and confirmations before failing with TransactionReceiptTimeout.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int ReceiptTimeoutSec { get; set; } = 300;

        /// <summary>The receipt options of this run, for the core.</summary>
        protected TransactionOptions ReceiptOptions()
        {
            return new TransactionOptions
            {
                Confirmations = Confirmations,
                ReceiptTimeout = TimeSpan.FromSeconds(ReceiptTimeoutSec),
            };
        }
    }
}
