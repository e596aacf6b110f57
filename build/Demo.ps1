<#
.SYNOPSIS
    The main job on an embedded default: a fresh local chain, the stand-in node, and a host
    registered on it from start to finish.

.DESCRIPTION
    Everything happens in throw-away places: anvil on a free port with the project's test
    contracts, a temporary FABSTIR_HOME, a temporary GGUF file named like an approved model. The
    host key is one of anvil's public dev keys, imported into the encrypted keystore through a
    SecureString and never printed. Every process started here is stopped at the end, also on
    failure or Ctrl+C.
#>
param(
    [Parameter(Mandatory)] [string] $StandInPath,
    [Parameter(Mandatory)] [string] $AnvilPath,
    [Parameter(Mandatory)] [string] $ContractsPath,
    [string] $SeederPath = $env:FABSTIR_TEST_CHAINSEEDER
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$env:NO_COLOR = '1'
if (Get-Variable PSStyle -ErrorAction SilentlyContinue) { $PSStyle.OutputRendering = 'PlainText' }
Import-Module FabstirHost
Import-Module (Join-Path $PSScriptRoot '../tests/LocalChain.psm1') -Force

function Write-Step([string] $Text) {
    Write-Host ''
    Write-Host "== $Text" -ForegroundColor Cyan
}

function Write-Note([string] $Text) {
    Write-Host "   $Text"
}

# Tables wide enough for addresses and hashes, whatever the terminal.
function Show-Table {
    param([Parameter(ValueFromPipeline)] $InputObject, [string[]] $Property)
    end {
        $table = if ($Property) { $input | Format-Table $Property -AutoSize } else { $input | Format-Table -AutoSize }
        $table | Out-String -Width 200 | Write-Host
    }
}

# The variables the demo sets for this process only, to give back at the end.
$chainVariables = 'RPC_URL', 'CONTRACT_NODE_REGISTRY', 'CONTRACT_MODEL_REGISTRY', 'CONTRACT_HOST_EARNINGS',
    'FAB_TOKEN', 'USDC_TOKEN', 'FABSTIR_HOME', 'FABSTIR_KEYSTORE_PASSWORD'
$savedVariables = @{}
foreach ($name in $chainVariables) { $savedVariables[$name] = [Environment]::GetEnvironmentVariable($name) }

$workFolder = Join-Path ([IO.Path]::GetTempPath()) ('fabstir-demo-' + [guid]::NewGuid().ToString('N'))
$chain = $null
try {
    New-Item -ItemType Directory $workFolder | Out-Null

    Write-Step 'A fresh local chain (anvil, chain id 84532) with the marketplace contracts'
    $chain = Start-FabstirTestChain -AnvilPath $AnvilPath -SeederPath $SeederPath -ContractsPath $ContractsPath
    Write-Note "RPC $($chain.RpcUrl); NodeRegistry $($chain.NodeRegistry) (phase 18 pricing)"
    Write-Note "Approved models: $($chain.ApprovedModels -join ', ')"

    # The node's own variable names point every command of this session at the local chain.
    $env:RPC_URL = $chain.RpcUrl
    $env:CONTRACT_NODE_REGISTRY = $chain.NodeRegistry
    $env:CONTRACT_MODEL_REGISTRY = $chain.ModelRegistry
    $env:CONTRACT_HOST_EARNINGS = $chain.HostEarnings
    $env:FAB_TOKEN = $chain.FabToken
    $env:USDC_TOKEN = $chain.UsdcToken
    $env:FABSTIR_HOME = Join-Path $workFolder 'home'

    $model = $chain.ApprovedModels[0]
    $modelFile = Join-Path $workFolder ($model.Split(':')[1])
    [IO.File]::WriteAllBytes($modelFile, [byte[]] (0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0) + [byte[]]::new(56))
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Any, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $url = "http://127.0.0.1:$port"

    Write-Step 'The host key goes into the encrypted keystore (an anvil dev key; never shown)'
    $keystorePassword = [guid]::NewGuid().ToString('N')
    $env:FABSTIR_KEYSTORE_PASSWORD = $keystorePassword
    $wallet = Import-FabstirWallet -PrivateKey (ConvertTo-SecureString $chain.HostKey -AsPlainText -Force) `
        -KeystorePassword (ConvertTo-SecureString $keystorePassword -AsPlainText -Force)
    $wallet | Show-Table
    Get-FabstirWallet | Show-Table

    $registration = @{
        Url       = $url
        Model     = $model
        ModelPath = $modelFile
        NodePath  = $StandInPath
        Metadata  = @{ location = 'demo' }
    }

    Write-Step 'Register-FabstirHost -WhatIf: the whole plan, nothing sent'
    Write-Note 'It has checked the chain id, the contracts, the model approval, the price bounds, the FAB'
    Write-Note 'for the stake and the ETH for gas; gas marked typical depends on the transaction before it.'
    Register-FabstirHost @registration -WhatIf

    Write-Step 'Register-FabstirHost: start the node, prove the URL answers, stake, register, price'
    Write-Note '(a warning follows: 127.0.0.1 is fine for a demo, but the internet cannot reach it)'
    $registered = Register-FabstirHost @registration
    $registered | Show-Table
    Write-Note 'Every transaction it sent:'
    $registered.Transactions | Show-Table
    Write-Note 'What went on chain:'
    $registered | Format-List Address, Url, Models, Stake, UsdcPerMillionTokens, GweiPerMillionTokens,
        Generation, Metadata | Out-String -Width 200 | Write-Host

    Write-Step 'Get-FabstirNode: the node runs detached, under its supervisor'
    Get-FabstirNode | Format-List Status, ProcessId, LocalUrl, ModelPath, HealthStatus, Version, LogPath |
        Out-String -Width 200 | Write-Host
    Write-Note "Its public URL, probed as a client would: $(Test-FabstirEndpoint -Url $registered.Url)"

    Write-Step 'Get-FabstirNodeLog -Tail 8: the node output the supervisor keeps (colour codes stripped)'
    Get-FabstirNodeLog -Tail 8 | Format-Table Time, Stream, Text -AutoSize | Out-String -Width 200 | Write-Host

    Write-Step 'Register-FabstirHost again with the same arguments: nothing to send'
    Write-Note 'It reads the chain, finds it already matches, and reuses the running node.'
    $again = Register-FabstirHost @registration
    $again | Show-Table
    Write-Note "Status: $($again.Status); transactions sent: $($again.Transactions.Count)"

    $hostLife = Join-Path $PSScriptRoot 'Demo.HostLife.ps1'
    if (Test-Path $hostLife) {
        . $hostLife
        # Hand over what this demo set up, by whatever names the function asks for.
        $context = @{
            Chain = $chain; Registration = $registered; Url = $url; Model = $model; ModelPath = $modelFile
            StandInPath = $StandInPath; NodePath = $StandInPath; WorkFolder = $workFolder
        }
        $accepted = (Get-Command Show-FabstirHostLife).Parameters.Keys
        $arguments = @{}
        foreach ($name in $context.Keys) { if ($accepted -contains $name) { $arguments[$name] = $context[$name] } }
        Show-FabstirHostLife @arguments
    }

    Write-Step 'Stop-FabstirNode'
    Stop-FabstirNode
    Get-FabstirNode | Show-Table
}
finally {
    if ($env:FABSTIR_HOME -and (Test-Path $env:FABSTIR_HOME)) {
        Stop-FabstirNode -TimeoutSec 5 -ErrorAction SilentlyContinue | Out-Null
    }

    if ($chain) {
        $chain | Stop-FabstirTestChain
        Write-Host ''
        Write-Host '== The local chain was stopped; the temporary home and model were removed.'
    }

    foreach ($name in $chainVariables) { [Environment]::SetEnvironmentVariable($name, $savedVariables[$name]) }

    # Only the folder this script created under the temp folder.
    if ((Test-Path $workFolder) -and $workFolder.StartsWith([IO.Path]::GetTempPath())) {
        Remove-Item -LiteralPath $workFolder -Recurse -Force
    }
}
