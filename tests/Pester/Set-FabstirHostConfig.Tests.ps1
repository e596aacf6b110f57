BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHome.ps1')
    $script:fqidSuffix = ',FabstirHost.Commands.SetFabstirHostConfigCommand'
}

Describe 'Set-FabstirHostConfig' {
    BeforeEach {
        $script:testHome = New-TestHome
        $env:FABSTIR_HOME = $script:testHome
        $script:configFile = Join-Path $script:testHome 'config.json'
    }

    AfterEach {
        Remove-Item $script:testHome -Recurse -Force -ErrorAction SilentlyContinue
        Remove-Item Env:FABSTIR_HOME -ErrorAction SilentlyContinue
    }

    It 'creates config.json with the given fields, owner-only' {
        Set-FabstirHostConfig -ApiPort 9100 -P2PPort 9200 -PublicUrl 'https://node.example.com'

        $config = Get-FabstirHostConfig
        $config.ApiPort | Should -Be 9100
        $config.P2PPort | Should -Be 9200
        $config.PublicUrl | Should -Be 'https://node.example.com'
        if (-not $IsWindows) {
            (Get-Item $script:configFile).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        }
    }

    It 'keeps the fields it does not touch, including unknown ones' {
        $saved = '{"publicUrl":"https://old.example","registered":true,"laterField":[1,2]}'
        Set-Content $script:configFile $saved

        Set-FabstirHostConfig -LogLevel 'info,fabstir_llm_node=debug'

        $json = Get-Content $script:configFile -Raw | ConvertFrom-Json
        $json.publicUrl | Should -Be 'https://old.example'
        $json.registered | Should -BeTrue
        $json.laterField | Should -Be @(1, 2)
        $json.logLevel | Should -Be 'info,fabstir_llm_node=debug'
    }

    It 'saves paths as absolute paths against the current location' {
        Push-Location $script:testHome
        try {
            Set-FabstirHostConfig -ModelPath 'models/m.gguf' -WarningVariable warnings -WarningAction SilentlyContinue
        }
        finally { Pop-Location }

        (Get-FabstirHostConfig).ModelPath | Should -Be (Join-Path $script:testHome 'models/m.gguf')
        $warnings | Should -Match 'does not exist'
    }

    It 'returns the saved configuration with -PassThru' {
        $config = Set-FabstirHostConfig -ChainId 84532 -RpcUrl 'http://127.0.0.1:8545' `
            -NodeRegistryAddress '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' -PassThru

        $config.GetType().Name | Should -Be 'HostConfig'
        $config.Chain.RpcUrl | Should -Be 'http://127.0.0.1:8545'
        $config.Chain.Contracts['nodeRegistry'] | Should -Be '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
    }

    It 'merges environment variables and removes one given $null' {
        Set-FabstirHostConfig -Environment @{ RUST_BACKTRACE = 1; OLD_VAR = 'x' }
        Set-FabstirHostConfig -Environment @{ CUDA_VISIBLE_DEVICES = '0'; OLD_VAR = $null }

        $environment = (Get-FabstirHostConfig).Environment
        $environment.Keys | Sort-Object | Should -Be @('CUDA_VISIBLE_DEVICES', 'RUST_BACKTRACE')
        $environment['RUST_BACKTRACE'] | Should -Be '1'
    }

    It 'refuses a secret-looking environment variable and writes nothing' {
        Set-FabstirHostConfig -ApiPort 8080

        $secret = @{ HOST_PRIVATE_KEY = '0x59c6' }
        { Set-FabstirHostConfig -ApiPort 9000 -Environment $secret -ErrorAction Stop } |
            Should -Throw -ErrorId "SecretInEnvironment$fqidSuffix"
        (Get-FabstirHostConfig).ApiPort | Should -Be 8080
        Get-Content $script:configFile -Raw | Should -Not -Match '0x59c6'
    }

    It 'refuses the module-owned variable <Name>, naming the parameter to use, and writes nothing' -TestCases @(
        @{ Name = 'API_PORT'; Parameter = '-ApiPort' }
        @{ Name = 'P2P_PORT'; Parameter = '-P2PPort' }
        @{ Name = 'MODEL_PATH'; Parameter = '-ModelPath' }
    ) {
        { Set-FabstirHostConfig -Environment @{ $Name = 'abc' } -ErrorAction Stop } |
            Should -Throw -ErrorId "ReservedEnvironmentVariable$fqidSuffix" -ExpectedMessage "*$Parameter*"
        Test-Path $script:configFile | Should -BeFalse
    }

    It 'still removes a module-owned variable saved by hand' {
        Set-Content $script:configFile (@{ environment = @{ API_PORT = '18095'; KEEP = '1' } } | ConvertTo-Json)
        Set-FabstirHostConfig -Environment @{ API_PORT = $null }
        (Get-FabstirHostConfig).Environment.Keys | Should -Be @('KEEP')
    }

    It 'reports a damaged config.json and does not replace it' {
        Set-Content $script:configFile '{ broken'

        { Set-FabstirHostConfig -ApiPort 9000 -ErrorAction Stop } |
            Should -Throw -ErrorId "ConfigFileDamaged$fqidSuffix"
        Get-Content $script:configFile -Raw | Should -Match 'broken'
    }

    It 'refuses a public URL that is not a node URL' {
        { Set-FabstirHostConfig -PublicUrl 'node.example.com:8080' -ErrorAction Stop } |
            Should -Throw -ErrorId "InvalidEndpointUrl$fqidSuffix"
        Test-Path $script:configFile | Should -BeFalse
    }

    It 'refuses an API port among the P2P ports' {
        Set-FabstirHostConfig -P2PPort 9000
        { Set-FabstirHostConfig -ApiPort 9001 -ErrorAction Stop } |
            Should -Throw -ErrorId "PortConflict$fqidSuffix"
    }

    It 'refuses a log level it does not know' {
        { Set-FabstirHostConfig -LogLevel 'verbose' -ErrorAction Stop } |
            Should -Throw -ErrorId "InvalidLogLevel$fqidSuffix"
    }

    It 'writes nothing under -WhatIf' {
        Set-FabstirHostConfig -ApiPort 8080
        Set-FabstirHostConfig -ApiPort 9000 -WhatIf
        (Get-FabstirHostConfig).ApiPort | Should -Be 8080
    }

    It 'makes the remedies of Get-FabstirDiagnostics real' {
        $binary = Join-Path $script:testHome 'fabstir-llm-node'
        Set-Content $binary '#!/bin/sh'
        & chmod +x $binary

        Set-FabstirHostConfig -NodePath $binary -PublicUrl 'https://node.example.invalid'

        $checks = Get-FabstirDiagnostics -TimeoutSec 1
        ($checks | Where-Object Name -eq 'Node binary').Status | Should -Be 'Pass'
        ($checks | Where-Object Name -eq 'Public URL').Detail | Should -Match 'node.example.invalid'
    }
}
