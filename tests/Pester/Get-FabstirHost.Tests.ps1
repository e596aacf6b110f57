BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    . (Join-Path $PSScriptRoot 'HostChain.ps1')
    $script:chain = Start-FabstirTestChain
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'Get-FabstirHost (<Generation>)' -ForEach @(@{ Generation = 'Legacy' }, @{ Generation = 'Phase18' }) {
    BeforeAll {
        $script:parameters = Get-TestChainParameters $script:chain $Generation
        $script:address = Register-TestHost $script:chain $script:chain.HostAddress $Generation
    }

    AfterAll {
        Reset-TestHost $script:chain $script:chain.HostAddress $Generation
    }

    BeforeEach {
        $env:FABSTIR_HOME = New-TestHome
    }

    AfterEach {
        Remove-TestHome
    }

    It 'reads any host without a key: stake, URL, named models, metadata, prices' {
        $hostInfo = Get-FabstirHost -Address $script:address @parameters

        $hostInfo.GetType().Name | Should -Be 'FabstirHostInfo'
        $hostInfo.IsRegistered | Should -BeTrue
        $hostInfo.Stake | Should -Be 1000
        $hostInfo.ApiUrl | Should -Be 'http://127.0.0.1:1'
        $hostInfo.Models[0].Spec | Should -Be $script:chain.ApprovedModels[0]
        $hostInfo.MetadataFields['hardware'] | Should -Be 'test GPU'
        $hostInfo.PublicKey | Should -Be '02abc'
        "$($hostInfo.PricingGeneration)" | Should -Be $Generation
        ($hostInfo.Prices | Where-Object Token -eq 'USDC').Price | Should -Be 5
        ($hostInfo.Prices | Where-Object Token -eq 'ETH').RawPrice | Should -Be 3000000
    }

    It 'reads the host of the key when no address is given' {
        $env:FABSTIR_HOST_PRIVATE_KEY = $script:chain.HostKey

        (Get-FabstirHost @parameters).Address | Should -Be $script:address
    }

    It 'takes addresses from the pipeline, by value and by property name' {
        $byValue = $script:address, $script:chain.DeployerAddress | Get-FabstirHost @parameters
        $byName = [pscustomobject]@{ HostAddress = $script:address } | Get-FabstirHost @parameters
        $fromWallet = Get-FabstirWallet -Address $script:address @parameters | Get-FabstirHost @parameters

        $byValue.IsRegistered | Should -Be @($true, $false)
        $byName.Address | Should -Be $script:address
        $fromWallet.Stake | Should -Be 1000
    }

    It 'shows the useful fields by default' {
        $text = Get-FabstirHost -Address $script:address @parameters | Out-String -Width 200

        $text | Should -Match 'Stake \(FAB\)\s*:\s*1000'
        $text | Should -Match 'USDC: 5 USDC per million tokens \(raw 5000\)'
    }

    It 'has a short table view for Format-Table, one row per host' {
        $hosts = $script:address, $script:chain.DeployerAddress | Get-FabstirHost @parameters
        $lines = @(($hosts | Format-Table | Out-String -Width 250) -split "`n" | Where-Object { $_.Trim() })

        $lines[0] | Should -Match '^Address\s+Registered\s+Active\s+Stake \(FAB\)\s+ApiUrl\s+Models\s*$'
        $lines.Count | Should -Be 4
        $lines[2] | Should -Match ("^$($script:address)\s+True\s+True\s+1000\s+http://127\.0\.0\.1:1\s+" +
            [regex]::Escape($script:chain.ApprovedModels[0]))
        $lines[3] | Should -Match "^$($script:chain.DeployerAddress)\s+False"
        $lines -join "`n" | Should -Not -Match 'Metadata|NodeRegistry|DefaultNativePriceRaw'
    }

    It 'reports a host that is not registered as such' {
        $hostInfo = Get-FabstirHost -Address $script:chain.DeployerAddress @parameters

        $hostInfo.IsRegistered | Should -BeFalse
        $hostInfo.Stake | Should -Be 0
    }

    It 'says an unreachable RPC is unreachable, never that the host is not registered' {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        $down = $parameters.Clone()
        $down.RpcUrl = "http://127.0.0.1:$port"

        $thrown = { Get-FabstirHost -Address $script:address @down -ErrorAction Stop } |
            Should -Throw -ErrorId 'RpcUnreachable,FabstirHost.Commands.GetFabstirHostCommand' -PassThru
        $thrown.Exception.Message | Should -Match "127\.0\.0\.1:$port"
        $thrown.Exception.Message | Should -Not -Match 'not registered'
    }

    It 'fails clearly without an address or key' {
        { Get-FabstirHost @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId 'HostKeyNotFound,FabstirHost.Commands.GetFabstirHostCommand'
    }
}

Describe 'Get-FabstirHost of a host slashed out of the registry' {
    It 'reads it as not registered and says why' {
        $env:FABSTIR_HOME = New-TestHome
        $parameters = Get-TestChainParameters $script:chain
        $address = Register-TestHost $script:chain $script:chain.HostAddress
        try {
            Invoke-TestCast $script:chain $script:chain.DeployerAddress $parameters.NodeRegistryAddress `
                'slash(address,uint256)' $address '950000000000000000000'

            $hostInfo = Get-FabstirHost -Address $address @parameters

            $hostInfo.IsRegistered | Should -BeFalse
            $hostInfo.NotRegisteredReason | Should -Match 'slashed in block \d+: 950 FAB taken'
            ($hostInfo | Out-String -Width 300) | Should -Match 'Why not registered\s*:\s*It was slashed'
        }
        finally {
            Reset-TestHost $script:chain $address
            Remove-TestHome
        }
    }
}

Describe 'Address parameters' {
    BeforeEach {
        $env:FABSTIR_HOME = New-TestHome
    }

    AfterEach {
        Remove-TestHome
    }

    It '<Command> -<Parameter> refuses a private key as InvalidAddress without echoing it' -ForEach @(
        @{ Command = 'Get-FabstirHost'; Parameter = 'Address' }
        @{ Command = 'Get-FabstirWallet'; Parameter = 'Address' }
        @{ Command = 'Get-FabstirEarnings'; Parameter = 'Address' }
        @{ Command = 'Get-FabstirHost'; Parameter = 'NodeRegistryAddress' }
    ) {
        $key = 'c0ffee' * 10 + 'beef'
        $arguments = @{ $Parameter = "0x$key"; RpcUrl = $script:chain.RpcUrl }

        $thrown = { & $Command @arguments -ErrorAction Stop } | Should -Throw -PassThru

        $thrown.FullyQualifiedErrorId | Should -BeLike 'InvalidAddress,*'
        $thrown.Exception.Message | Should -Not -Match $key
        $thrown.Exception.Message | Should -Match 'private key'
        $thrown.Exception.Message | Should -Match '0x followed by 40 hexadecimal digits'
        "$($thrown.TargetObject)" | Should -Not -Match $key
    }

    It 'says what an address looks like for any other garbage' {
        $thrown = { Get-FabstirHost -Address 'not-an-address' -RpcUrl $script:chain.RpcUrl -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidAddress,FabstirHost.Commands.GetFabstirHostCommand' -PassThru

        $thrown.Exception.Message | Should -BeLike "*-Address 'not-an-address' is not an address: an address is 0x followed by 40 hexadecimal digits*"
    }

    It 'writes a non-terminating InvalidAddress for a bad piped address and goes on with the next' {
        $parameters = Get-TestChainParameters $script:chain 'Phase18'
        $hosts = 'not-an-address', '0x000000000000000000000000000000000000dEaD' |
            Get-FabstirHost @parameters -ErrorVariable failures -ErrorAction SilentlyContinue

        @($hosts).Count | Should -Be 1
        $hosts.Address | Should -Be '0x000000000000000000000000000000000000dEaD'
        @($failures).Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'InvalidAddress,FabstirHost.Commands.GetFabstirHostCommand'
    }
}
