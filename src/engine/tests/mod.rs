mod faults;
mod scripted;
mod property;
