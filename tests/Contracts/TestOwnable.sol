// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Minimal owner guard for the test doubles, reverting with the same custom error as
/// OpenZeppelin 5's Ownable so clients can be tested against it.
abstract contract TestOwnable {
    error OwnableUnauthorizedAccount(address account);

    address public owner;

    constructor() {
        owner = msg.sender;
    }

    modifier onlyOwner() {
        if (msg.sender != owner) {
            revert OwnableUnauthorizedAccount(msg.sender);
        }
        _;
    }
}
