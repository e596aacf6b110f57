BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestHome.ps1')
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    $script:chain = Start-FabstirTestChain
    $script:password = ConvertTo-SecureString 'pester-password' -AsPlainText -Force
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'New-FabstirWallet' {
    BeforeEach {
        $script:testHome = New-TestHome
        $env:FABSTIR_HOME = $script:testHome
    }

    AfterEach {
        Remove-Item $script:testHome -Recurse -Force -ErrorAction SilentlyContinue
        Remove-Item Env:FABSTIR_HOME -ErrorAction SilentlyContinue
    }

    It 'creates an encrypted keystore and returns its address, which pipes into Get-FabstirWallet' {
        $keystore = New-FabstirWallet -KeystorePassword $script:password

        $keystore.GetType().FullName | Should -Be 'FabstirHost.Core.Config.FabstirKeystore'
        $keystore.Address | Should -Match '^0x[0-9a-fA-F]{40}$'
        $keystore.Path | Should -Be (Join-Path $script:testHome 'keystore.json')
        $json = Get-Content $keystore.Path -Raw | ConvertFrom-Json
        $json.crypto.kdf | Should -Be 'scrypt'
        if (-not $IsWindows) { (Get-Item $keystore.Path).UnixFileMode | Should -Be ([IO.UnixFileMode]::UserRead -bor [IO.UnixFileMode]::UserWrite) }

        $wallet = $keystore | Get-FabstirWallet -RpcUrl $script:chain.RpcUrl -FabTokenAddress $script:chain.FabToken `
            -UsdcTokenAddress $script:chain.UsdcToken
        $wallet.Address | Should -Be $keystore.Address
        $wallet.Eth | Should -Be 0
        $wallet.Fab | Should -Be 0
    }

    It 'refuses to replace an existing keystore without -Force and leaves it untouched' {
        Set-Content (Join-Path $script:testHome 'keystore.json') '{"address":"70997970c51812dc3a010c7d01b50e0d17dc79c8"}'

        { New-FabstirWallet -KeystorePassword $script:password -ErrorAction Stop } |
            Should -Throw -ErrorId 'KeystoreExists,FabstirHost.Commands.NewFabstirWalletCommand'
        Get-Content (Join-Path $script:testHome 'keystore.json') -Raw | Should -Match '70997970c51812dc3a010c7d01b50e0d17dc79c8'
    }

    It 'writes nothing under -WhatIf' {
        New-FabstirWallet -KeystorePassword $script:password -WhatIf | Should -BeNullOrEmpty

        Join-Path $script:testHome 'keystore.json' | Should -Not -Exist
    }

    It 'asks for a password and fails clearly when nobody can answer' {
        Remove-Item Env:FABSTIR_KEYSTORE_PASSWORD -ErrorAction SilentlyContinue

        { New-FabstirWallet -ErrorAction Stop } |
            Should -Throw -ErrorId 'KeystorePasswordRequired,FabstirHost.Commands.NewFabstirWalletCommand'
        Join-Path $script:testHome 'keystore.json' | Should -Not -Exist
    }

    It 'rejects a password shorter than 8 characters and says the minimum' {
        $short = ConvertTo-SecureString 'x' -AsPlainText -Force

        $thrown = { New-FabstirWallet -KeystorePassword $short -ErrorAction Stop } |
            Should -Throw -ErrorId 'KeystorePasswordTooShort,FabstirHost.Commands.NewFabstirWalletCommand' -PassThru
        $thrown.Exception.Message | Should -Match 'at least 8'
        Join-Path $script:testHome 'keystore.json' | Should -Not -Exist
    }

    It 'rejects an empty password' {
        $empty = [securestring]::new()

        { New-FabstirWallet -KeystorePassword $empty -ErrorAction Stop } |
            Should -Throw -ErrorId 'KeystorePasswordEmpty,FabstirHost.Commands.NewFabstirWalletCommand'
    }
}
