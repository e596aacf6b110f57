<#
.SYNOPSIS
    Benchmarks Register-FabstirHost -NoStart on anvil: its RPC calls and transactions for a
    one-model registration against the minimum the contracts need, and its time against cast
    sending the same transactions in the same run.

.DESCRIPTION
    Needs the module, the contracts and the chain seeder built (build.ps1 -Task Bench does it and
    sets the FABSTIR_TEST_* variables). anvil runs without --silent so that it logs every RPC
    method it serves: the calls of one registration are the log lines written while it ran.

    Each measured registration is a fresh anvil dev account (funded with FAB first, untimed) on
    the phase 18 registry: approve, registerNode, then setModelTokenPricing for native and USDC.
    The cmdlet runs in this warm session with -PrivateKey (the keystore's scrypt would add a
    second of deliberate cost); cast runs as four processes, as a script using it would.
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 7)]
    [int] $Runs = 7
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $env:FABSTIR_TEST_MODULE -Force
$cast = $env:FABSTIR_TEST_CAST

function Get-FreeTcpPort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $middle = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { return $sorted[$middle] }
    return ($sorted[$middle - 1] + $sorted[$middle]) / 2
}

# The RPC methods anvil logged since line $From, by name.
function Get-RpcCalls([string] $Log, [int] $From) {
    $lines = @(Get-Content $Log | Select-Object -Skip $From | Where-Object { $_ -match '^(eth|net|web3|anvil)_\w+$' })
    [pscustomobject]@{ Total = $lines.Count; ByMethod = $lines | Group-Object | Sort-Object Name }
}

function Get-LineCount([string] $Log) { @(Get-Content $Log).Count }

function Invoke-Cast([string[]] $Arguments) {
    $output = & $cast @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "cast $($Arguments[0]) failed: $output" }
}

$folder = Join-Path ([IO.Path]::GetTempPath()) ('fabstir-bench-' + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory $folder | Out-Null
$log = Join-Path $folder 'anvil.log'
$anvil = $null
try {
    $port = Get-FreeTcpPort
    $rpc = "http://127.0.0.1:$port"
    $anvil = Start-Process $env:FABSTIR_TEST_ANVIL -ArgumentList '--chain-id', '84532', '--port', "$port", '--accounts', '20' `
        -RedirectStandardOutput $log -RedirectStandardError (Join-Path $folder 'anvil.err') -PassThru
    $deadline = [DateTime]::UtcNow.AddSeconds(15)
    while (-not (Select-String -Path $log -Pattern 'Listening on' -Quiet -ErrorAction SilentlyContinue)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw 'anvil did not start.' }
        Start-Sleep -Milliseconds 20
    }

    $chain = (& $env:FABSTIR_TEST_CHAINSEEDER --rpc-url $rpc --contracts $env:FABSTIR_TEST_CONTRACTS) -join "`n" |
        ConvertFrom-Json
    # anvil prints its dev keys at start; accounts 4 and up are untouched by the seeder.
    $keys = @(Select-String -Path $log -Pattern '^\((\d+)\) (0x[0-9a-f]{64})$' | ForEach-Object { $_.Matches[0].Groups[2].Value })
    $accounts = $keys[4..(4 + 2 * $Runs)]
    foreach ($key in $accounts) {
        $address = & $cast wallet address --private-key $key
        Invoke-Cast @('send', '--rpc-url', $rpc, '--private-key', $chain.DeployerKey, $chain.FabToken,
            'mint(address,uint256)', $address, '1000000000000000000000')
    }

    $model = $chain.ApprovedModels[0]
    $modelId = & $cast keccak ($model -replace ':', '/')
    $url = "http://127.0.0.1:$(Get-FreeTcpPort)"
    $parameters = @{
        Url = $url; Model = $model; NoStart = $true; RpcUrl = $rpc
        NodeRegistryAddress = $chain.NodeRegistry; ModelRegistryAddress = $chain.ModelRegistry
        FabTokenAddress = $chain.FabToken; UsdcTokenAddress = $chain.UsdcToken; HostEarningsAddress = $chain.HostEarnings
        WarningAction = 'SilentlyContinue'
    }
    $env:FABSTIR_HOME = Join-Path $folder 'home'

    # Warm-up: the first call in a session loads Nethereum and compiles it; not measured.
    $warm = Register-FabstirHost @parameters -PrivateKey (ConvertTo-SecureString $accounts[0] -AsPlainText -Force)
    if ($warm.Transactions.Count -ne 4) { throw "The warm-up sent $($warm.Transactions.Count) transactions, not 4." }

    $moduleTimes = @()
    $castTimes = @()
    $moduleCalls = $null
    $castCalls = $null
    for ($run = 1; $run -le $Runs; $run++) {
        $key = ConvertTo-SecureString $accounts[2 * $run - 1] -AsPlainText -Force
        $from = Get-LineCount $log
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $result = Register-FabstirHost @parameters -PrivateKey $key
        $watch.Stop()
        $moduleTimes += $watch.Elapsed.TotalMilliseconds
        $moduleCalls = Get-RpcCalls $log $from
        if ($result.Status -ne 'Registered' -or $result.Transactions.Count -ne 4) { throw 'The registration did not send its 4 transactions.' }

        # cast sends the same four transactions, each waiting for its receipt.
        $castKey = $accounts[2 * $run]
        $metadata = $result.Metadata
        $from = Get-LineCount $log
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $common = @('--rpc-url', $rpc, '--private-key', $castKey)
        Invoke-Cast (@('send') + $common + @($chain.FabToken, 'approve(address,uint256)', $chain.NodeRegistry, '1000000000000000000000'))
        Invoke-Cast (@('send') + $common + @($chain.NodeRegistry, 'registerNode(string,string,bytes32[],uint256,uint256)',
            $metadata, $url, "[$modelId]", "$($result.NativePrice)", "$($result.StablePrice)"))
        Invoke-Cast (@('send') + $common + @($chain.NodeRegistry, 'setModelTokenPricing(bytes32,address,uint256)',
            $modelId, '0x0000000000000000000000000000000000000000', "$($result.NativePrice)"))
        Invoke-Cast (@('send') + $common + @($chain.NodeRegistry, 'setModelTokenPricing(bytes32,address,uint256)',
            $modelId, $chain.UsdcToken, "$($result.StablePrice)"))
        $watch.Stop()
        $castTimes += $watch.Elapsed.TotalMilliseconds
        $castCalls = Get-RpcCalls $log $from
    }

    $moduleMedian = Get-Median $moduleTimes
    $castMedian = Get-Median $castTimes
    $ratio = $moduleMedian / $castMedian
    Write-Host ("Register-FabstirHost -NoStart, one model, phase 18, {0} runs: median {1:0} ms (runs: {2})" -f
        $Runs, $moduleMedian, (($moduleTimes | ForEach-Object { '{0:0}' -f $_ }) -join ', '))
    Write-Host ("cast send x4 (approve, registerNode, 2 x setModelTokenPricing): median {0:0} ms (runs: {1})" -f
        $castMedian, (($castTimes | ForEach-Object { '{0:0}' -f $_ }) -join ', '))
    Write-Host ("Ratio module / cast: {0:0.00} (target at most 1.5): {1}" -f $ratio, $(if ($ratio -le 1.5) { 'met' } else { 'NOT met' }))
    Write-Host ''
    Write-Host "Transactions: 4 sent; the contracts need 4 for a first registration with one model"
    Write-Host '  (approve, registerNode, setModelTokenPricing for native and for USDC).'
    Write-Host "RPC calls of one registration: module $($moduleCalls.Total), cast $($castCalls.Total)."
    Write-Host '  Minimum to send 4 transactions with estimated gas and see them mined: 1 nonce + 2 fee reads'
    Write-Host '  (base fee, tip) + 4 x (estimateGas + sendRawTransaction + getTransactionReceipt) = 15; the'
    Write-Host '  module adds the reads that check every precondition before anything is sent (chain id,'
    Write-Host '  code, generation, record, approval, bounds, stake, balances, allowance).'
    Write-Host '  Module, by method:'
    $moduleCalls.ByMethod | ForEach-Object { Write-Host ("    {0,-28} {1,3}" -f $_.Name, $_.Count) }
    Write-Host '  cast, by method:'
    $castCalls.ByMethod | ForEach-Object { Write-Host ("    {0,-28} {1,3}" -f $_.Name, $_.Count) }
    $receipts = @($moduleCalls.ByMethod | Where-Object Name -eq 'eth_getTransactionReceipt')
    $polls = if ($receipts) { $receipts[0].Count } else { 0 }
    Write-Host "Receipt polls per transaction (module): $($polls / 4) (anvil mines at once, so 1 is ideal)."
}
finally {
    if ($anvil -and -not $anvil.HasExited) { Stop-Process -Id $anvil.Id -Force }
    Remove-Item Env:FABSTIR_HOME -ErrorAction SilentlyContinue
    if ($folder.StartsWith([IO.Path]::GetTempPath()) -and (Test-Path $folder)) {
        Remove-Item -LiteralPath $folder -Recurse -Force
    }
}
