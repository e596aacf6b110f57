<#
.SYNOPSIS
    The second half of the demo: the life of a registered host, from looking at it on chain to
    taking the stake back. Dot-source this file, then call Show-FabstirHostLife.

.DESCRIPTION
    Show-FabstirHostLife expects what the main demo (build/Demo.ps1) leaves behind: a local chain
    started by tests/LocalChain.psm1, a host registered on it, and the node of this FabstirHost
    home running. It then walks through what an operator does with a registered host:

      1. look at the host as the chain sees it             Get-FabstirHost
      2. change a price, first as a dry run                 Set-FabstirPricing -WhatIf, then for real
      3. get paid: the test chain's deployer, an authorised
         caller of HostEarnings, pays the host ETH and USDC  (cast, from anvil's unlocked account)
      4. see the earnings and withdraw them                 Get-FabstirEarnings, Receive-FabstirEarnings
      5. leave the marketplace: unregister, get the stake
         back, stop the node                                 Unregister-FabstirHost -StopNode

    The host key comes from wherever the main demo put it (FABSTIR_HOST_PRIVATE_KEY, or the
    keystore with FABSTIR_KEYSTORE_PASSWORD), or from -PrivateKey.

.EXAMPLE
    . ./build/Demo.HostLife.ps1
    Show-FabstirHostLife -Chain $chain
#>

Set-StrictMode -Version 3.0

function Show-FabstirHostLife {
    [CmdletBinding()]
    param(
        # The local chain: the object Start-FabstirTestChain returns (or its info file read with
        # ConvertFrom-Json). Its RPC URL, contract addresses and deployer account are used.
        [Parameter(Mandatory)]
        $Chain,

        # The registry the host is registered in; default: the chain's newest (phase 18) one.
        [string] $NodeRegistry = $Chain.NodeRegistry,

        # The host key, when the main demo did not leave it in the environment or keystore.
        [securestring] $PrivateKey,

        # cast, used to pay the host from the deployer's unlocked anvil account.
        [string] $CastPath = $env:FABSTIR_TEST_CAST
    )

    $ErrorActionPreference = 'Stop'

    # Every cmdlet below talks to the local chain rather than Base Sepolia.
    $onChain = @{
        RpcUrl               = $Chain.RpcUrl
        NodeRegistryAddress  = $NodeRegistry
        ModelRegistryAddress = $Chain.ModelRegistry
        HostEarningsAddress  = $Chain.HostEarnings
        FabTokenAddress      = $Chain.FabToken
        UsdcTokenAddress     = $Chain.UsdcToken
    }
    $asHost = $onChain.Clone()
    if ($PrivateKey) { $asHost.PrivateKey = $PrivateKey }

    Write-DemoStep 1 'The host as the chain sees it (no key needed to read any host)'
    $hostInfo = Get-FabstirHost @asHost
    $hostInfo | Format-List | Show-DemoText
    $hostInfo.Prices | Format-Table Model, Token, Price, Unit, RawPrice -AutoSize | Show-DemoText

    Write-DemoStep 2 'Change the USDC price to 2 USDC per million tokens'
    Write-Host 'A dry run first: -WhatIf shows each transaction and its gas, and sends nothing.'
    Set-FabstirPricing -Token USDC -Price 2 -WhatIf @asHost
    $pricing = Set-FabstirPricing -Token USDC -Price 2 @asHost
    Write-Host "Sent $($pricing.Transactions.Count) transaction(s): $($pricing.TransactionHashes -join ', ')"
    $pricing.Host.Prices | Format-Table Model, Token, Price, Unit, RawPrice -AutoSize | Show-DemoText

    Write-DemoStep 3 'Sessions pay the host: the deployer credits 0.02 ETH and 7.5 USDC to HostEarnings'
    Send-DemoEarnings -Chain $Chain -CastPath $CastPath -HostAddress $hostInfo.Address
    Get-FabstirEarnings -Address $hostInfo.Address @onChain | Format-Table -AutoSize | Show-DemoText

    Write-DemoStep 4 'Withdraw everything in one transaction (withdrawMultiple)'
    Write-Host 'The gas cost is estimated first; a withdrawal costing more ETH than it brings is refused.'
    $withdrawal = Receive-FabstirEarnings -Confirm:$false @asHost
    $withdrawal | Format-Table -AutoSize | Show-DemoText
    Get-FabstirWallet -Address $hostInfo.Address @onChain | Format-Table -AutoSize | Show-DemoText

    Write-DemoStep 5 'Leave the marketplace: unregister (the whole stake comes back) and stop the node'
    Unregister-FabstirHost -StopNode -WhatIf @asHost
    $leaving = Unregister-FabstirHost -StopNode -Confirm:$false @asHost
    $leaving | Format-Table -AutoSize | Show-DemoText
    $registered = (Get-FabstirHost -Address $hostInfo.Address @onChain).IsRegistered
    Write-Host "Registered now: $registered. Node: $((Get-FabstirNode).Status)."
    Write-Host 'Running Unregister-FabstirHost again is refused before anything is sent:'
    try { Unregister-FabstirHost -Confirm:$false @asHost }
    catch { Write-Host "  $($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
}

# Tables wide enough for addresses and hashes, whatever the terminal.
function Show-DemoText {
    $input | Out-String -Width 200 | Write-Host
}

function Write-DemoStep([int] $Number, [string] $Title) {
    Write-Host ''
    Write-Host "== $Number. $Title"
}

# The deployer is an authorised caller of HostEarnings: it pays the contract (ETH by value, USDC by
# minting test tokens to it) and credits the host, as the job marketplace does after a session.
function Send-DemoEarnings($Chain, [string] $CastPath, [string] $HostAddress) {
    $zero = '0x0000000000000000000000000000000000000000'
    $eth = '20000000000000000'
    $usdc = '7500000'
    Invoke-DemoCast $CastPath $Chain $Chain.HostEarnings --value $eth
    Invoke-DemoCast $CastPath $Chain $Chain.HostEarnings 'creditEarnings(address,uint256,address)' $HostAddress $eth $zero
    Invoke-DemoCast $CastPath $Chain $Chain.UsdcToken 'mint(address,uint256)' $Chain.HostEarnings $usdc
    Invoke-DemoCast $CastPath $Chain $Chain.HostEarnings 'creditEarnings(address,uint256,address)' $HostAddress $usdc $Chain.UsdcToken
}

# anvil keeps its dev accounts unlocked, so cast sends from the deployer without its key.
function Invoke-DemoCast([string] $CastPath, $Chain, [Parameter(ValueFromRemainingArguments)] [string[]] $Arguments) {
    $output = & $CastPath send --rpc-url $Chain.RpcUrl --unlocked --from $Chain.DeployerAddress @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "cast send $($Arguments -join ' ') failed: $output" }
}
