module MyLib (greeting) where

greeting :: String
greeting = "hello from my-lib"
