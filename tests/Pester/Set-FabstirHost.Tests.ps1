BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    . (Join-Path $PSScriptRoot 'HostChain.ps1')
    . (Join-Path $PSScriptRoot 'StandIn.ps1')
    . (Join-Path $PSScriptRoot 'Node.TestHelpers.ps1')
    $script:chain = Start-FabstirTestChain
    $script:command = 'FabstirHost.Commands.SetFabstirHostCommand'
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'Set-FabstirHost (<Generation>)' -ForEach @(@{ Generation = 'Legacy' }, @{ Generation = 'Phase18' }) {
    BeforeAll {
        $script:parameters = Get-TestChainParameters $script:chain $Generation
    }

    BeforeEach {
        $script:address = Enter-TestRegisteredHost $script:chain $Generation
        $script:nonce = Get-TestNonce $script:chain $script:address
    }

    AfterEach {
        Exit-TestRegisteredHost $script:chain $Generation
    }

    It 'merges metadata, keeping the public key, and returns the transaction' {
        $update = Set-FabstirHost -Metadata @{ location = 'eu-west' } @parameters

        $update.Transactions.Count | Should -Be 1
        $update.TransactionHashes[0] | Should -Match '^0x[0-9a-f]{64}$'
        $update.Host.PublicKey | Should -Be '02abc'
        $update.Host.MetadataFields['location'] | Should -Be 'eu-west'
    }

    It 'sends nothing when the chain already matches' {
        $update = Set-FabstirHost -Metadata @{ hardware = 'test GPU' } @parameters

        $update.Transactions.Count | Should -Be 0
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'shows the plan with gas under -WhatIf and sends nothing' {
        $output = Get-WhatIfText { Set-FabstirHost -Model $script:chain.ApprovedModels -WhatIf @parameters }

        $output | Should -Match 'updateSupportedModels'
        $output | Should -Match 'gas ≈'
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'replaces the models, removing duplicates with a warning, and config.json follows' {
        $models = @($script:chain.ApprovedModels[0], $script:chain.ApprovedModels[1], $script:chain.ApprovedModels[1])

        $update = Set-FabstirHost -Model $models @parameters -WarningVariable warnings -WarningAction SilentlyContinue

        $warnings | Should -Match 'more than once'
        $update.Host.Models.Spec | Should -Be $script:chain.ApprovedModels
        (Get-FabstirHostConfig).Models | Should -Be $script:chain.ApprovedModels
        ($update.Host.Prices | Where-Object { $_.Model -eq $script:chain.ApprovedModels[1] -and $_.IsSet }).Count | Should -Be 2
    }

    It 'refuses an unapproved model' {
        { Set-FabstirHost -Model $script:chain.DeactivatedModel @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "ModelNotApproved,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses an empty model list' {
        { Set-FabstirHost -Model @() @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "ModelListEmpty,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses to drop the model the node loads unless -Force' {
        $file = ($script:chain.ApprovedModels[0] -split ':')[1]
        Set-Content (Join-Path $env:FABSTIR_HOME 'config.json') (@{ modelPath = "/models/$file" } | ConvertTo-Json)

        { Set-FabstirHost -Model $script:chain.ApprovedModels[1] @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "LoadedModelDropped,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
        $forced = Set-FabstirHost -Model $script:chain.ApprovedModels[1] -Force @parameters -WarningAction SilentlyContinue
        $forced.Host.Models.Spec | Should -Be $script:chain.ApprovedModels[1]
    }

    It 'keeps the public key under -Replace and refuses -Replace without -Metadata' {
        $update = Set-FabstirHost -Metadata @{ only = 'this' } -Replace @parameters

        $update.Host.PublicKey | Should -Be '02abc'
        $update.Host.MetadataFields.Keys | Sort-Object | Should -Be @('only', 'publicKey')
        $nonce = Get-TestNonce $script:chain $script:address
        { Set-FabstirHost -Replace @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "ReplaceWithoutMetadata,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $nonce
    }

    It 'removes a metadata field set to $null' {
        $update = Set-FabstirHost -Metadata @{ hardware = $null; location = 'eu-west' } @parameters

        $update.Host.MetadataFields.ContainsKey('hardware') | Should -BeFalse
        $update.Host.MetadataFields['location'] | Should -Be 'eu-west'
        $update.Host.PublicKey | Should -Be '02abc'
    }

    It 'refuses metadata that is not JSON, or too large, naming the field' {
        { Set-FabstirHost -Metadata @{ x = { 1 } } @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "MetadataInvalid,$script:command" -ExpectedMessage "*'x'*ScriptBlock*"
        { Set-FabstirHost -Metadata @{ x = 'y' * 100000 } @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "MetadataInvalid,$script:command" -ExpectedMessage '*bytes of JSON*4096*'
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses a private key in any shape, and a recovery phrase, without echoing it' {
        $key = 'ab' * 32
        $phrase = (@('abandon') * 11 + 'about') -join ' '
        foreach ($metadata in @(
                @{ note = '0X' + $key.ToUpperInvariant() },
                @{ note = "my key is 0x$key" },
                @{ "0x$key" = 1 },
                @{ note = $phrase })) {
            $thrown = { Set-FabstirHost -Metadata $metadata @parameters -ErrorAction Stop } |
                Should -Throw -ErrorId "MetadataSecretRefused,$script:command" -PassThru
            $thrown.Exception.Message | Should -Not -Match $key
            $thrown.Exception.Message | Should -Not -Match 'abandon'
        }

        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses a metadata key that looks like a secret' {
        { Set-FabstirHost -Metadata @{ wallet = @{ privateKey = '0x1234' } } @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "MetadataSecretRefused,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses a URL with credentials, as registration does, without repeating them' {
        $thrown = { Set-FabstirHost -Url 'http://operator:hunter2@127.0.0.1:8080' @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "InvalidPublicUrl,$script:command" -PassThru
        $thrown.Exception.Message | Should -Not -Match 'hunter2'
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses an unreachable URL with troubleshooting' {
        $port = Get-FreeTcpPort

        { Set-FabstirHost -Url "http://127.0.0.1:$port" -ProbeTimeoutSec 3 @parameters -ErrorAction Stop -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId "PublicUrlUnreachable,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses at once a URL on the node''s TCP P2P port P+<Offset>, as registration does' -ForEach @(
        @{ Offset = 0 }, @{ Offset = 1 }
    ) {
        $port = Get-FreePortRange 4
        Set-FabstirHostConfig -ApiPort $port -P2PPort ($port + 1)
        $url = "http://127.0.0.1:$($port + 1 + $Offset)"
        $watch = [Diagnostics.Stopwatch]::StartNew()

        $thrown = { Set-FabstirHost -Url $url -ProbeTimeoutSec 30 @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "PortConflict,$script:command" -PassThru

        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        $thrown.Exception.Message | Should -BeLike "The public URL's port $($port + 1 + $Offset) is one of the node's TCP P2P ports $($port + 1) and $($port + 2)*"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'does not count the UDP QUIC port P+2 as a clash for a URL: it probes it' {
        $port = Get-FreePortRange 4
        Set-FabstirHostConfig -ApiPort $port -P2PPort ($port + 1)

        { Set-FabstirHost -Url "http://127.0.0.1:$($port + 3)" -ProbeTimeoutSec 1 @parameters -ErrorAction Stop `
                -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId "PublicUrlUnreachable,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses a URL whose name does not resolve with the DNS check, not the port checks' {
        $url = 'https://node.example.invalid'
        $failure = $null
        try {
            Set-FabstirHost -Url $url -ProbeTimeoutSec 3 @parameters -ErrorAction Stop `
                -WarningVariable warnings -WarningAction SilentlyContinue
        }
        catch {
            $failure = $_
        }

        $failure.FullyQualifiedErrorId | Should -Be "PublicUrlUnreachable,$script:command"
        $failure.Exception.Message | Should -Match 'Public/Public DNS: .*nslookup node\.example\.invalid'
        $failure.Exception.Message | Should -Not -Match 'Ports/|curl -s http://127\.0\.0\.1|all interfaces'
        ($warnings -join "`n") | Should -Match '(?m)^\[Fail\] Public/Public DNS'
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'advertises a reachable URL and records it in config.json' {
        # A run of four free ports: the node takes the API port and P2P ports P, P+1 and P+2.
        $port = Get-FreePortRange 4
        $node = Start-TestStandIn -Environment @{ API_PORT = "$port"; P2P_PORT = "$($port + 1)" }
        try {
            $update = Set-FabstirHost -Url $node.Url @parameters -WarningAction SilentlyContinue

            $update.Host.ApiUrl | Should -Be $node.Url
            (Get-FabstirHostConfig).PublicUrl | Should -Be $node.Url
        }
        finally { Stop-TestStandIn $node }
    }

    It 'reports a host slashed out of the registry as not registered, with the reason' {
        $registry = $parameters.NodeRegistryAddress
        Invoke-TestCast $script:chain $script:chain.DeployerAddress $registry 'slash(address,uint256)' $script:address '950000000000000000000'
        $nonce = Get-TestNonce $script:chain $script:address

        $thrown = { Set-FabstirHost -Metadata @{ a = 'b' } @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "HostNotRegistered,$script:command" -PassThru
        $thrown.Exception.Message | Should -Match 'slashed'
        Get-TestNonce $script:chain $script:address | Should -Be $nonce
    }
}

Describe 'Set-FabstirHost without registration' {
    It 'refuses a host that is not registered, sending nothing' {
        $env:FABSTIR_HOME = New-TestHome
        $parameters = Get-TestChainParameters $script:chain
        $key = ConvertTo-SecureString $script:chain.DeployerKey -AsPlainText
        $nonce = Get-TestNonce $script:chain $script:chain.DeployerAddress
        try {
            { Set-FabstirHost -Metadata @{ a = 'b' } -PrivateKey $key @parameters -ErrorAction Stop } |
                Should -Throw -ErrorId "HostNotRegistered,$script:command"
            Get-TestNonce $script:chain $script:chain.DeployerAddress | Should -Be $nonce
        }
        finally { Remove-TestHome }
    }
}
