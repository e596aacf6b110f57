<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks the FabstirHost module.

.DESCRIPTION
    Everything the tasks need is fetched here, pinned: .NET packages from NuGet (Pester among
    them), the local chain and the Solidity compiler from npm. Nothing has to be installed by hand
    beyond the .NET SDK and Node.js.

    Build  lays the module out in out/Modules/FabstirHost, so that 'Import-Module FabstirHost'
           works once out/Modules is on PSModulePath; also builds the stand-in node and compiles
           the Solidity test contracts.
    Test   runs every xUnit and Pester test and prints 'N passed, N failed, N skipped'.
    Demo   the main job on an embedded default: a fresh local chain and the stand-in node.
    Bench  runs the benchmarks under bench/ and prints their figures.

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Runs only the tests whose fully qualified name contains this text (xUnit) or whose
    # file name contains it (Pester).
    [string] $Filter
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$env:NO_COLOR = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleRoot = Join-Path $out 'Modules'
$moduleDir = Join-Path $moduleRoot 'FabstirHost'
$standInDir = Join-Path $out 'standin'
$contractsOut = Join-Path $out 'contracts'
$testChainDir = Join-Path $out 'testchain'
$pesterVersion = '5.7.1'

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    & $Command @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

# Runs a script in a new pwsh process of the same PowerShell that runs this build.
function Invoke-FreshPwsh([string] $Script, [string[]] $Arguments) {
    $pwsh = (Get-Process -Id $PID).Path
    $pwshArguments = @()
    if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') {
        $pwshArguments += (Join-Path $PSHOME 'pwsh.dll')
    }

    $pwshArguments += @('-NoProfile', '-NonInteractive', '-File', $Script) + $Arguments
    & $pwsh @pwshArguments | Out-Host
    return $LASTEXITCODE
}

function Install-NpmTools {
    $marker = Join-Path $root 'node_modules/.package-lock.json'
    $lock = Join-Path $root 'package-lock.json'
    if ((Test-Path $marker) -and (Get-Item -Force $marker).LastWriteTimeUtc -ge (Get-Item $lock).LastWriteTimeUtc) {
        return
    }

    Write-Host 'Installing pinned npm tools (anvil, cast, solc)...'
    Push-Location $root
    try { Invoke-Native npm @('ci', '--no-audit', '--no-fund', '--loglevel=error') }
    finally { Pop-Location }
}

function Build-Contracts {
    $sources = Join-Path $root 'tests/Contracts'
    $files = @(Get-ChildItem $sources -Filter '*.sol' -ErrorAction SilentlyContinue)
    if ($files.Count -eq 0) { return }

    $stamp = Join-Path $contractsOut '.stamp'
    $newest = ($files | Measure-Object LastWriteTimeUtc -Maximum).Maximum
    if ((Test-Path $stamp) -and (Get-Item -Force $stamp).LastWriteTimeUtc -ge $newest) { return }

    Write-Host 'Compiling Solidity test contracts with solc-js...'
    New-Item -ItemType Directory -Force $contractsOut | Out-Null
    $solcjs = Join-Path $root 'node_modules/solc/solc.js'
    Push-Location $sources
    try {
        $arguments = @($solcjs, '--bin', '--abi', '--optimize', '--base-path', '.', '-o', $contractsOut) +
            ($files | ForEach-Object Name)
        Invoke-Native node $arguments
    }
    finally { Pop-Location }

    Set-Content -Path $stamp -Value (Get-Date -AsUTC -Format o)
}

function Invoke-Build {
    Install-NpmTools
    Invoke-Native dotnet @('build', (Join-Path $root 'FabstirHost.sln'), '-c', $Configuration, '--nologo', '-v', 'q', '-clp:ErrorsOnly')

    Write-Host "Laying out the module in $moduleDir"
    if (Test-Path $moduleDir) { Remove-Item $moduleDir -Recurse -Force }
    Invoke-Native dotnet @('publish', (Join-Path $root 'src/FabstirHost/FabstirHost.csproj'), '-c', $Configuration,
        '--no-build', '-o', $moduleDir, '--nologo', '-v', 'q')
    Get-ChildItem $moduleDir -Filter '*.pdb' | Remove-Item -Force
    Get-ChildItem $moduleDir -Filter '*.deps.json' | Remove-Item -Force
    Copy-Item (Join-Path $root 'FabstirHost.psd1') $moduleDir
    Copy-Item (Join-Path $root 'src/FabstirHost/Formats/*.format.ps1xml') $moduleDir
    Copy-Item (Join-Path $root 'docs/en-US') $moduleDir -Recurse -Force
    $helpExit = Invoke-FreshPwsh (Join-Path $root 'build/New-MamlHelp.ps1') @('-ModuleDirectory', $moduleDir)
    if ($helpExit -ne 0) { throw "Generating cmdlet help failed with exit code $helpExit." }

    if (Test-Path $standInDir) { Remove-Item $standInDir -Recurse -Force }
    Invoke-Native dotnet @('publish', (Join-Path $root 'tests/FabstirHost.StandInNode/FabstirHost.StandInNode.csproj'),
        '-c', $Configuration, '--no-build', '-o', $standInDir, '--nologo', '-v', 'q')

    if (Test-Path $testChainDir) { Remove-Item $testChainDir -Recurse -Force }
    Invoke-Native dotnet @('publish', (Join-Path $root 'tests/FabstirHost.TestChain/FabstirHost.TestChain.csproj'),
        '-c', $Configuration, '--no-build', '-o', $testChainDir, '--nologo', '-v', 'q')

    Build-Contracts
}

# The firewall tests load real nftables and iptables rules into a private network namespace.
# On a fresh Debian machine (as in CI) the tools are installed from Debian's packages; where that
# cannot be done those tests report themselves skipped rather than failing.
function Install-FirewallTools {
    if (-not $IsLinux -or (Get-Command nft -ErrorAction Ignore)) { return }
    if ((& id -u) -ne '0' -or -not (Get-Command apt-get -ErrorAction Ignore)) {
        Write-Warning 'nft is not installed and cannot be installed here: the firewall tests will be skipped.'
        return
    }

    Write-Host 'Installing nftables and iptables from Debian for the firewall tests...'
    & apt-get update -qq 2>&1 | Out-Null
    & apt-get install -y -qq --no-install-recommends nftables iptables 2>&1 | Out-Host
    if ($LASTEXITCODE -ne 0) {
        Write-Warning 'Installing nftables failed: the firewall tests will be skipped.'
    }
}

function Set-TestEnvironment {
    $env:FABSTIR_TEST_MODULE = Join-Path $moduleDir 'FabstirHost.psd1'
    $env:FABSTIR_TEST_STANDIN = Join-Path $standInDir 'fabstir-llm-node'
    $env:FABSTIR_TEST_ANVIL = Join-Path $root 'node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil'
    $env:FABSTIR_TEST_CAST = Join-Path $root 'node_modules/@foundry-rs/cast-linux-amd64/bin/cast'
    $env:FABSTIR_TEST_CONTRACTS = $contractsOut
    $env:FABSTIR_TEST_CHAINSEEDER = Join-Path $testChainDir 'fabstir-test-chain'
    $env:FABSTIR_TEST_LOCALCHAIN = Join-Path $root 'tests/LocalChain.psm1'
    $env:PSModulePath = $moduleRoot + [IO.Path]::PathSeparator + $env:PSModulePath
}

function Get-TrxCounts([string] $Path) {
    [xml] $trx = Get-Content $Path -Raw
    $counters = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{
        Passed  = [int] $counters.passed
        Failed  = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
        # vstest counts a skipped xUnit test in neither 'executed' nor 'notExecuted'.
        Skipped = [math]::Max([int] $counters.notExecuted, [int] $counters.total - [int] $counters.executed)
    }
}

function Invoke-XunitTests {
    $results = Join-Path $out 'TestResults'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    $arguments = @('test', (Join-Path $root 'tests/FabstirHost.Tests/FabstirHost.Tests.csproj'), '-c', $Configuration,
        '--no-build', '--nologo', '--results-directory', $results, '--logger', 'trx;LogFileName=xunit.trx',
        '--logger', 'console;verbosity=minimal')
    if ($Filter) { $arguments += @('--filter', "FullyQualifiedName~$Filter") }
    & dotnet @arguments | Out-Host
    $trx = Join-Path $results 'xunit.trx'
    if (-not (Test-Path $trx)) {
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }

    $counts = Get-TrxCounts $trx
    if ($LASTEXITCODE -ne 0 -and $counts.Failed -eq 0) { $counts.Failed = 1 }
    return $counts
}

function Invoke-PesterTests {
    Invoke-Native dotnet @('restore', (Join-Path $root 'build/Tools.csproj'), '--nologo', '-v', 'q')
    $nugetRoot = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $pester = Join-Path $nugetRoot "pester/$pesterVersion/tools/Pester.psd1"
    $resultFile = Join-Path $out 'pester.xml'
    $runner = Join-Path $root 'build/Invoke-PesterRun.ps1'
    $runnerArguments = @('-PesterPath', $pester, '-TestPath', (Join-Path $root 'tests/Pester'), '-ResultFile', $resultFile)
    if ($Filter) { $runnerArguments += @('-Filter', $Filter) }

    # A fresh pwsh, so the tests import the built module exactly as a user would.
    $null = Invoke-FreshPwsh $runner $runnerArguments
    if (-not (Test-Path $resultFile)) {
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }

    $counts = Get-Content $resultFile -Raw | ConvertFrom-Json
    return [pscustomobject]@{ Passed = [int] $counts.Passed; Failed = [int] $counts.Failed; Skipped = [int] $counts.Skipped }
}

function Invoke-Test {
    Invoke-Build
    Install-FirewallTools
    Set-TestEnvironment
    $xunit = Invoke-XunitTests
    $pester = Invoke-PesterTests
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    Write-Host "xUnit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped"
    Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    Set-TestEnvironment
    & (Join-Path $root 'build/Demo.ps1') -StandInPath $env:FABSTIR_TEST_STANDIN -AnvilPath $env:FABSTIR_TEST_ANVIL -ContractsPath $contractsOut
}

function Invoke-Bench {
    Invoke-Build
    Set-TestEnvironment
    foreach ($script in Get-ChildItem (Join-Path $root 'bench') -Filter '*.ps1' | Sort-Object Name) {
        if ($Filter -and $script.Name -notlike "*$Filter*") { continue }
        Write-Host "== $($script.BaseName)"
        & $script.FullName
    }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
}
